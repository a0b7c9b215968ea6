// The inputs of a chat-template render, as plain data: the OpenAI-style messages and tools, flags, tokens and extras.
using System.Text.Json;

namespace Strata.Engine.Templates;

/// <summary>What <see cref="ModelChatTemplate.Render(ChatTemplateInput)"/> passes to a model's chat template.</summary>
/// <param name="Messages">the OpenAI-style message array: role, content (a string, or an array of parts such as
/// <c>{"type": "text", "text": ...}</c>), tool_calls, tool_call_id, name, reasoning_content</param>
public sealed record ChatTemplateInput(JsonElement Messages)
{
    /// <summary>The OpenAI tools array, or null when the request has none (the template then sees <c>tools</c> as none).</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>End the prompt with the assistant's turn header. Default true.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>The text of the model's BOS token (<c>bos_token</c>).</summary>
    public string BosToken { get; init; } = "";

    /// <summary>The text of the model's EOS token (<c>eos_token</c>).</summary>
    public string EosToken { get; init; } = "";

    /// <summary>The instant <c>strftime_now</c> reports (templates put today's date in system prompts).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>More template variables, such as <c>enable_thinking</c>; they may not replace messages, tools,
    /// documents or add_generation_prompt.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }
}
