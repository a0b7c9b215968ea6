// One chat message as the front doors hand it to the engine: role, text, and the tool calls or tool result it carries.
namespace Strata.Engine.Chat;

/// <summary>One chat message.</summary>
/// <param name="Role">system, developer, user, assistant or tool</param>
/// <param name="Content">its text (for a tool message, the tool's result)</param>
/// <param name="ToolCalls">for an assistant message, the calls it made; otherwise null</param>
/// <param name="ToolCallId">for a tool message, the id of the call it answers; otherwise null</param>
/// <param name="Name">the author's name, or for a tool message the function's name; may be null</param>
public sealed record ChatTurn(
    string Role,
    string Content,
    IReadOnlyList<ChatToolCall>? ToolCalls = null,
    string? ToolCallId = null,
    string? Name = null);
