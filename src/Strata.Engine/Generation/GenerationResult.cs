// What a generation produced: token ids, text, stop reason, metrics.
namespace Strata.Engine.Generation;

/// <summary>The outcome of one generation.</summary>
/// <param name="PromptTokens">prompt ids (BOS included when added)</param>
/// <param name="Tokens">generated ids</param>
/// <param name="Text">generated text (stop string excluded)</param>
/// <param name="StopReason">why it ended</param>
/// <param name="Metrics">counts and timings</param>
/// <param name="FirstStepLogits">logits after the prompt, when requested</param>
public sealed record GenerationResult(
    int[] PromptTokens,
    int[] Tokens,
    string Text,
    StopReason StopReason,
    TokenMetrics Metrics,
    float[]? FirstStepLogits);
