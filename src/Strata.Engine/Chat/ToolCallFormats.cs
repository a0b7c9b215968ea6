// Which tool-call format a chat template teaches its model, read from the template's text.
namespace Strata.Engine.Chat;

/// <summary>Recognises a template's tool-call format by the markers it renders (as llama.cpp's chat handlers do).</summary>
public static class ToolCallFormats
{
    /// <summary>The format a model with chat template <paramref name="template"/> writes tool calls in; generic when none is recognised.</summary>
    /// <param name="template">the Jinja source of the model's chat template; null when the model has none</param>
    public static ToolCallFormat Detect(string? template)
    {
        if (template is null)
        {
            return ToolCallFormat.Generic;
        }

        if (template.Contains("<tool_call>", StringComparison.Ordinal))
        {
            return ToolCallFormat.Hermes;
        }

        if (template.Contains("[TOOL_CALLS]", StringComparison.Ordinal) && !template.Contains("[ARGS]", StringComparison.Ordinal))
        {
            return ToolCallFormat.MistralNemo;
        }

        bool llama3 = template.Contains("<|start_header_id|>", StringComparison.Ordinal);
        if (llama3 && (template.Contains("<|python_tag|>", StringComparison.Ordinal) || template.Contains("\"parameters\"", StringComparison.Ordinal)))
        {
            return ToolCallFormat.Llama3Json;
        }

        return ToolCallFormat.Generic;
    }

    /// <summary>Whether a template renders the <c>tools</c> it is given (if not, the tools are described in a system message).</summary>
    public static bool RendersTools(string? template) => template is not null && template.Contains("tools", StringComparison.Ordinal);
}
