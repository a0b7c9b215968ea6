// Hyper-parameters and weight catalogue of a decoder (llama, qwen, gemma, phi3 families), read from an artifact by the engine.
using Strata.Kernels;

namespace Strata.Compiler.Builders;

/// <summary>Everything a graph builder needs to emit a decoder. Plain data.</summary>
/// <param name="Architecture">"llama", "qwen2", … (GGUF general.architecture); picks the builder</param>
/// <param name="Name">model name for logs</param>
/// <param name="EmbeddingDim">model width (dim)</param>
/// <param name="Layers">decoder blocks</param>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads</param>
/// <param name="HeadDim">elements per head</param>
/// <param name="FeedForwardDim">FFN hidden width</param>
/// <param name="VocabSize">output logits</param>
/// <param name="ContextLength">trained context</param>
/// <param name="RmsEpsilon">RMSNorm epsilon</param>
/// <param name="Rope">rotary parameters</param>
/// <param name="Tensors">weights by GGUF name</param>
public sealed record DecoderSpec(
    string Architecture,
    string Name,
    int EmbeddingDim,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int FeedForwardDim,
    int VocabSize,
    int ContextLength,
    float RmsEpsilon,
    RopeSpec Rope,
    IReadOnlyDictionary<string, TensorDescriptor> Tensors)
{
    /// <summary>Width of the K and V projections.</summary>
    public int KvDim => KvHeads * HeadDim;

    /// <summary>Score scale on q·k; 0 means 1/√HeadDim.</summary>
    public float AttentionScale { get; init; }

    /// <summary>Attention-logit soft cap (Gemma 2); 0 = none.</summary>
    public float AttentionSoftCap { get; init; }

    /// <summary>Final-logit soft cap (Gemma 2 and 3); 0 = none.</summary>
    public float FinalSoftCap { get; init; }

    /// <summary>Sliding-window layers, where the architecture has them; null = every layer attends to the whole context.</summary>
    public SlidingWindowSpec? SlidingWindow { get; init; }

    /// <summary>Mixture-of-experts FFN, where the architecture has one; null = dense FFN.</summary>
    public ExpertSpec? Experts { get; init; }

    /// <summary>The attention scale the builders use: <see cref="AttentionScale"/>, else 1/√HeadDim.</summary>
    public float EffectiveAttentionScale => AttentionScale > 0 ? AttentionScale : 1f / MathF.Sqrt(HeadDim);
}

/// <summary>Rotary embedding parameters.</summary>
/// <param name="Dims">rotated dims per head</param>
/// <param name="FrequencyBase">theta base</param>
/// <param name="Mode">pairing</param>
public sealed record RopeSpec(int Dims, float FrequencyBase, RopeMode Mode)
{
    /// <summary>1 / the linear or YaRN scaling factor (rope.scaling.factor); 1 = no scaling.</summary>
    public float FrequencyScale { get; init; } = 1f;

    /// <summary>YaRN extrapolation mix: 1 with rope.scaling.type yarn, else 0.</summary>
    public float ExtFactor { get; init; }

    /// <summary>Magnitude on cos and sin (rope.scaling.attn_factor, with YaRN's correction as llama.cpp applies it).</summary>
    public float Magnitude { get; init; } = 1f;

    /// <summary>YaRN β_fast and β_slow (llama.cpp's defaults 32 and 1).</summary>
    public (float Fast, float Slow) YarnBeta { get; init; } = (32f, 1f);

    /// <summary>The context the model was trained on before scaling (rope.scaling.original_context_length); 0 = the trained context.</summary>
    public int OriginalContext { get; init; }

    /// <summary>Per-pair frequency factors: rope_freqs.weight (Llama 3) or Phi-3's short factors; null = none.</summary>
    public string? FactorsTensor { get; init; }

    /// <summary>Phi-3's long-context factors (rope_factors_long.weight), used when a sequence may exceed <see cref="OriginalContext"/>.</summary>
    public string? LongFactorsTensor { get; init; }
}

/// <summary>Interleaved sliding-window attention (Gemma 2/3): layer l is local when l mod Period &lt; Period − 1.</summary>
/// <param name="Window">positions a local layer sees, the query's own included</param>
/// <param name="Period">layers per pattern (2 for Gemma 2, 6 for Gemma 3)</param>
/// <param name="LocalRope">rotary parameters of the local layers (their own base), or null to use the model's</param>
public sealed record SlidingWindowSpec(int Window, int Period, RopeSpec? LocalRope)
{
    /// <summary>True for a sliding-window layer.</summary>
    public bool IsLocal(int layer) => Period > 0 && layer % Period < Period - 1;
}

/// <summary>Mixture-of-experts FFN.</summary>
/// <param name="Count">experts per layer</param>
/// <param name="Used">experts each token routes to</param>
/// <param name="FeedForwardDim">hidden width of one expert</param>
/// <param name="NormalizeWeights">renormalise the chosen experts' softmax weights to sum to 1</param>
public sealed record ExpertSpec(int Count, int Used, int FeedForwardDim, bool NormalizeWeights);
