// Wall-clock timings and throughputs of one engine call.
namespace Strata.Evidence;

/// <summary>Timings of one call, in milliseconds and tokens per second.</summary>
public sealed record EngineTimings
{
    /// <summary>Model load (map, parse, compile) in milliseconds.</summary>
    public double LoadMs { get; init; }

    /// <summary>Prompt processing (prefill) in milliseconds.</summary>
    public double PromptMs { get; init; }

    /// <summary>Token generation (decode) in milliseconds.</summary>
    public double DecodeMs { get; init; }

    /// <summary>Time to first generated token in milliseconds, from the start of the request.</summary>
    public double TtftMs { get; init; }

    /// <summary>Prompt tokens per second during prefill.</summary>
    public double PromptTokensPerS { get; init; }

    /// <summary>Generated tokens per second during decode.</summary>
    public double DecodeTokensPerS { get; init; }
}
