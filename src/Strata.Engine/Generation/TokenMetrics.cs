// Token counts and timings of one generation.
namespace Strata.Engine.Generation;

/// <summary>Counts and timings (milliseconds) of one generation.</summary>
/// <param name="PromptTokens">prompt tokens evaluated</param>
/// <param name="GeneratedTokens">tokens sampled (the EOS that ended it not counted)</param>
/// <param name="PromptMilliseconds">prefill time</param>
/// <param name="DecodeMilliseconds">time of the single-token forward passes after the first token</param>
/// <param name="DecodeSteps">single-token forward passes</param>
/// <param name="TimeToFirstTokenMilliseconds">from the request (tokenization included) to the first sampled token</param>
public sealed record TokenMetrics(
    int PromptTokens,
    int GeneratedTokens,
    double PromptMilliseconds,
    double DecodeMilliseconds,
    int DecodeSteps,
    double TimeToFirstTokenMilliseconds)
{
    /// <summary>Prompt tokens per second.</summary>
    public double PromptTokensPerSecond => PromptMilliseconds > 0 ? PromptTokens * 1000.0 / PromptMilliseconds : 0;

    /// <summary>Decode steps per second.</summary>
    public double DecodeTokensPerSecond => DecodeMilliseconds > 0 ? DecodeSteps * 1000.0 / DecodeMilliseconds : 0;
}
