// A model call's result as checkpointed: the text, the tool calls asked for, token counts and where it came from.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>A tool call the model asked for.</summary>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="Arguments">The arguments (normally a JSON object).</param>
public sealed record RequestedCall(string CallId, string Name, JsonElement Arguments);

/// <summary>A model reply, stored as a blob so a resumed task replays it instead of calling the model again.</summary>
/// <param name="Text">The reply's text.</param>
/// <param name="ToolCalls">The tool calls it asked for, in order.</param>
/// <param name="InputTokens">Prompt tokens, as the model reported them.</param>
/// <param name="OutputTokens">Completion tokens, as the model reported them.</param>
/// <param name="ResponseId">The response id (Strata's request id when the route is Strata).</param>
/// <param name="ModelId">The model that answered.</param>
/// <param name="FinalAnswer">True when the text came from a call of <c>final_answer</c>.</param>
/// <param name="TraceId">The Strata trace id of the request, when the route is a Strata server (its evidence record's key).</param>
/// <param name="Engine">What Strata's engine reported of the call (stop reason, batch passes), as JSON; null from other models.</param>
public sealed record ModelReply(
    string Text,
    IReadOnlyList<RequestedCall> ToolCalls,
    long InputTokens,
    long OutputTokens,
    string? ResponseId = null,
    string? ModelId = null,
    bool FinalAnswer = false,
    string? TraceId = null,
    string? Engine = null);
