// A rendered chat prompt and what decoding and parsing its answer need: stops, the grammar, the tool-call format.
namespace Strata.Engine.Chat;

/// <summary>The prompt text for a <see cref="ChatRequest"/> and how to read its answer.</summary>
/// <param name="Text">the prompt, with the model's special-token texts (tokenize it parsing special tokens)</param>
/// <param name="StopStrings">stop strings the format adds (ChatML's end of turn); the request's own come on top</param>
/// <param name="Constraint">the grammar the answer must follow; null for free text</param>
/// <param name="ToolFormat">the format tool calls are written in</param>
/// <param name="Tools">the tools the answer may call; empty when none may be called</param>
public sealed record ChatPrompt(
    string Text,
    IReadOnlyList<string> StopStrings,
    OutputConstraint? Constraint,
    ToolCallFormat ToolFormat,
    IReadOnlyList<ChatTool> Tools)
{
    /// <summary>True when the answer may hold tool calls (they are parsed out of it, and it is not streamed as text).</summary>
    public bool ParsesToolCalls => Tools.Count > 0;

    /// <summary>Splits a finished answer into text and tool calls; with no tools callable, the text as it is.</summary>
    public ChatReply ParseReply(string answer, Func<int, string> newId) =>
        ParsesToolCalls ? ToolCallParser.Parse(answer, ToolFormat, Tools, newId) : new ChatReply(answer, []);
}
