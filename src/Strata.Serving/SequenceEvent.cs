// What the scheduler streams to a request's HTTP handler: one event per generated token, then one completion.
namespace Strata.Serving;

/// <summary>A token's log-probability and, when asked, the most likely alternatives at its position.</summary>
/// <param name="Token">the token's text (lossy when it is part of a UTF-8 character)</param>
/// <param name="Logprob">natural-log probability under the model's raw distribution</param>
/// <param name="Bytes">the token's UTF-8 bytes</param>
/// <param name="Top">alternatives, most likely first</param>
internal sealed record TokenLogprob(string Token, float Logprob, byte[] Bytes, IReadOnlyList<TokenLogprob>? Top);

/// <summary>How a sequence ended.</summary>
/// <param name="FinishReason">OpenAI finish_reason: "stop" or "length"</param>
/// <param name="StopReason">Strata's reason: eos, stop_sequence, max_tokens, context_full, deadline, client_gone, error</param>
/// <param name="PromptTokens">prompt tokens</param>
/// <param name="CompletionTokens">generated tokens</param>
/// <param name="Error">set when the sequence failed (no response can be complete)</param>
internal sealed record SequenceCompletion(string FinishReason, string StopReason, int PromptTokens, int CompletionTokens, string? Error);

/// <summary>One event: new text (possibly empty while a stop string may be forming) with its token, or the end.</summary>
internal sealed record SequenceEvent(string Text, TokenLogprob? Logprob, SequenceCompletion? Done);
