// How a synthetic model stretches RoPE beyond its original context (the GGUF `rope.scaling.type` and its relatives).
namespace Strata.Engine.Synthesis;

/// <summary>RoPE scaling schemes <c>strata synth</c> can write.</summary>
public enum RopeScalingKind
{
    /// <summary>Plain RoPE.</summary>
    None = 0,

    /// <summary>Positions divided by the factor (<c>rope.scaling.type = "linear"</c>, <c>rope.scaling.factor</c>).</summary>
    Linear = 1,

    /// <summary>YaRN (<c>rope.scaling.type = "yarn"</c>, factor and <c>rope.scaling.original_context_length</c>).</summary>
    Yarn = 2,

    /// <summary>Llama 3.1/3.2 frequency smoothing, stored as the per-dimension <c>rope_freqs.weight</c> tensor.</summary>
    Llama3 = 3,

    /// <summary>Phi-3 LongRoPE: <c>rope_factors_long/short.weight</c>, <c>rope.scaling.attn_factor</c> and the original context.</summary>
    LongRope = 4,
}
