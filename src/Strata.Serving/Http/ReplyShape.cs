// How a chat answer that may hold tool calls goes out: parsed whole, then written as a message's or a stream's tool calls.
using System.Text;
using Strata.Engine.Chat;

namespace Strata.Serving;

/// <summary>
/// The tool-call side of one response. When tools may be called, a streamed answer is held until it is complete (a call's
/// JSON is only a call once it parses), then sent as its text and one chunk of tool-call deltas; otherwise text streams
/// as it comes. Call ids are the request's trace id and the call's index, so a reviewer can tie a tool result to its request.
/// </summary>
internal sealed class ReplyShape(ChatPrompt? prompt, string traceId)
{
    private readonly StringBuilder _held = new();

    /// <summary>Whether text is held back instead of streamed.</summary>
    public bool Held => prompt is { ParsesToolCalls: true };

    /// <summary>finish_reason of an answer that called tools: "tool_calls", unless it was cut by a limit.</summary>
    public static string ToolCallsFinish(string finishReason) => finishReason == "length" ? finishReason : "tool_calls";

    /// <summary>Holds <paramref name="text"/> when the answer may hold tool calls; false when it should stream now.</summary>
    public bool Hold(string text)
    {
        if (!Held)
        {
            return false;
        }

        _held.Append(text);
        return true;
    }

    /// <summary>The finished answer split into text and calls.</summary>
    public ChatReply Parse(string answer) => prompt is null ? new ChatReply(answer, []) : prompt.ParseReply(answer, NewId);

    /// <summary>Writes the held answer (its text, then its calls) and returns the finish_reason for the last chunk.</summary>
    public string EndHeld(SseWriter sse, SequenceCompletion done)
    {
        var answer = Parse(_held.ToString());
        if (answer.Content.Length > 0)
        {
            sse.Chunk(answer.Content, null);
        }

        if (!answer.HasToolCalls)
        {
            return done.FinishReason;
        }

        sse.ToolCalls(answer.ToolCalls);
        return ToolCallsFinish(done.FinishReason);
    }

    private string NewId(int index) => $"call_{traceId[..Math.Min(24, traceId.Length)]}_{index}";
}
