// What the scheduler streams to a request's HTTP handler: one event per generated token, then one completion.
using Strata.Engine.Generation;

namespace Strata.Serving;

/// <summary>A token's log-probability and, when asked, the most likely alternatives at its position.</summary>
/// <param name="Token">the token's text (lossy when it is part of a UTF-8 character)</param>
/// <param name="Logprob">natural-log probability under the model's raw distribution</param>
/// <param name="Bytes">the token's UTF-8 bytes</param>
/// <param name="Top">alternatives, most likely first</param>
internal sealed record TokenLogprob(string Token, float Logprob, byte[] Bytes, IReadOnlyList<TokenLogprob>? Top);

/// <summary>How a sequence ended.</summary>
/// <param name="Reason">why it ended</param>
/// <param name="PromptTokens">prompt tokens</param>
/// <param name="CompletionTokens">generated tokens</param>
/// <param name="Error">set when the sequence failed (no response can be complete)</param>
internal sealed record SequenceCompletion(StopReason Reason, int PromptTokens, int CompletionTokens, string? Error)
{
    /// <summary>OpenAI's finish_reason: "stop" or "length".</summary>
    public string FinishReason => StopReasons.FinishReason(Reason);

    /// <summary>The response's strata_stop_reason: eos, stop_sequence, max_tokens, context_full, deadline, client_gone, shutdown, error.</summary>
    public string StopName => StopReasons.WireName(Reason);
}

/// <summary>One event: new text (possibly empty while a stop string may be forming) with its token, or the end.</summary>
internal sealed record SequenceEvent(string Text, TokenLogprob? Logprob, SequenceCompletion? Done);
