// A chat call as every front door hands it to the engine: the messages, the tools and the shape the answer must take.
using System.Text.Json;

namespace Strata.Engine.Chat;

/// <summary>The conversation and its options, before the model's template renders it.</summary>
/// <param name="Turns">the messages, oldest first</param>
public sealed record ChatRequest(IReadOnlyList<ChatTurn> Turns)
{
    /// <summary>The function tools offered; empty when none.</summary>
    public IReadOnlyList<ChatTool> Tools { get; init; } = [];

    /// <summary>How the tools may be used; null means auto when there are tools.</summary>
    public ToolChoice? ToolChoice { get; init; }

    /// <summary>Whether one answer may call several tools.</summary>
    public bool ParallelToolCalls { get; init; } = true;

    /// <summary>The shape of the answer: text, any JSON object or a schema's JSON.</summary>
    public ResponseFormat ResponseFormat { get; init; } = ResponseFormat.Text;

    /// <summary>End the prompt where the assistant's answer starts.</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>Extra variables for the template (e.g. enable_thinking), as transformers' apply_chat_template kwargs.</summary>
    public IReadOnlyDictionary<string, JsonElement>? TemplateVariables { get; init; }

    /// <summary>The effective tool choice: none without tools, auto when unset.</summary>
    public ToolChoice EffectiveToolChoice => Tools.Count == 0 ? Chat.ToolChoice.None : ToolChoice ?? Chat.ToolChoice.Auto;

    /// <summary>True when the model may call tools in this answer.</summary>
    public bool ToolsActive => EffectiveToolChoice.Mode != ToolChoiceMode.None;
}
