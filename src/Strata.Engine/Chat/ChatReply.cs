// The assistant's answer split into its text and the tool calls it made.
namespace Strata.Engine.Chat;

/// <summary>What the model answered: text, tool calls, or both (a Hermes model may explain before calling).</summary>
/// <param name="Content">the text for the user; empty when the answer is only tool calls</param>
/// <param name="ToolCalls">the calls, in order; empty when none</param>
public sealed record ChatReply(string Content, IReadOnlyList<ChatToolCall> ToolCalls)
{
    /// <summary>True when the model called at least one tool.</summary>
    public bool HasToolCalls => ToolCalls.Count > 0;
}
