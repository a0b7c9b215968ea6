// A model's way of turning messages into prompt text: its own Jinja chat template, or the ChatML fallback.
using System.Text.Json;

namespace Strata.Engine.Chat;

/// <summary>Renders a conversation as a model expects it. Implementations are immutable and safe to share across requests.</summary>
public interface IChatPromptTemplate
{
    /// <summary>"chatml" for the fallback; for a model's template, "jinja:" and the first 12 hex digits of its sha256.</summary>
    string Name { get; }

    /// <summary>The format the template teaches tool calls in (generic when it has none).</summary>
    ToolCallFormat ToolFormat { get; }

    /// <summary>Whether the template renders the <c>tools</c> it is given.</summary>
    bool RendersTools { get; }

    /// <summary>Whether the prompt text holds special-token texts to tokenize as those tokens (a model's own template does; ChatML here does not).</summary>
    bool ParseSpecial { get; }

    /// <summary>Stop strings the format needs beyond the tokenizer's end-of-generation tokens.</summary>
    IReadOnlyList<string> StopStrings { get; }

    /// <summary>The prompt text.</summary>
    /// <param name="turns">the messages</param>
    /// <param name="tools">the tools to show the template, or null to pass none</param>
    /// <param name="addGenerationPrompt">end where the assistant's answer starts</param>
    /// <param name="variables">extra template variables; may be null</param>
    /// <exception cref="ChatTemplateException">the template raised, or uses what the interpreter does not support</exception>
    string Render(IReadOnlyList<ChatTurn> turns, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt,
        IReadOnlyDictionary<string, JsonElement>? variables);
}
