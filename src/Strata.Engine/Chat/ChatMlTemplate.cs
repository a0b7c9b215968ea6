// The ChatML fallback as a prompt template, for models whose file carries no chat template.
using System.Text.Json;
using Strata.Engine.Generation;

namespace Strata.Engine.Chat;

/// <summary>ChatML (<see cref="ChatTemplate"/>): generic tool calls, stops at <c>&lt;|im_end|&gt;</c>.</summary>
public sealed class ChatMlTemplate : IChatPromptTemplate
{
    private static readonly string[] Stops = [ChatTemplate.EndOfTurn];

    /// <summary>The one instance.</summary>
    public static ChatMlTemplate Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "chatml";

    /// <inheritdoc/>
    public ToolCallFormat ToolFormat => ToolCallFormat.Generic;

    /// <inheritdoc/>
    public bool RendersTools => false;

    /// <inheritdoc/>
    public bool ParseSpecial => false;

    /// <inheritdoc/>
    public IReadOnlyList<string> StopStrings => Stops;

    /// <inheritdoc/>
    public string Render(IReadOnlyList<ChatTurn> turns, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt,
        IReadOnlyDictionary<string, JsonElement>? variables) => ChatTemplate.Render(turns, addGenerationPrompt);
}
