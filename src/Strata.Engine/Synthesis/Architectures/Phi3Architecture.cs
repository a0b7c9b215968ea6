// `strata synth --arch phi3`: Phi-3 / Phi-3.5-mini, fused QKV and gate-up projections, optionally LongRoPE factors.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// phi3: per layer attn_norm, attn_qkv ([d, d + 2·kv-width]: q, k, v rows in that order), attn_output, ffn_norm, ffn_up
/// ([d, 2·ffn]: gate rows then up rows, llama.cpp's SwiGLU split) and ffn_down. With long-rope=1 (Phi-3.5-mini) it writes
/// rope_factors_long/short.weight ([head-dim/2]), rope.scaling.original_context_length and rope.scaling.attn_factor =
/// √(1 + ln(ctx/orig) / ln(orig)) as the converter computes it; llama.cpp uses the long factors only when the context it
/// runs with exceeds the original one, and scales q and k by the attention factor either way. attention.sliding_window is
/// written as the converter does (0 for none); llama.cpp ignores it for phi3. The head width is d/heads.
/// </summary>
internal sealed class Phi3Architecture : SynthArchitecture
{
    public override string Name => "phi3";

    public override IReadOnlyList<string> ShapeKeys => ["long-rope", "rope-orig-ctx", "window"];

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (shape.ExplicitHeadDim is not null && shape.ExplicitHeadDim != shape.Dim / shape.Heads)
        {
            throw Invalid($"head-dim {shape.HeadDim} must be d/heads = {shape.Dim / shape.Heads} (llama.cpp sizes phi3's attn_qkv by d)");
        }

        if (shape.RopeScaling.Kind is not (RopeScalingKind.None or RopeScalingKind.LongRope) || shape.SlidingWindow < 0)
        {
            throw Invalid($"rope scaling {shape.RopeScaling.Name} and window={shape.SlidingWindow}: phi3 takes LongRoPE only and a window ≥ 0");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape)
    {
        AddDecoderKeys(writer, shape);
        writer.Add(Key("attention.sliding_window"), (uint)shape.SlidingWindow);
        if (shape.RopeScaling.Kind == RopeScalingKind.LongRope)
        {
            writer.Add(Key("rope.scaling.original_context_length"), (uint)shape.RopeScaling.OriginalContext)
                .Add(Key("rope.scaling.attn_factor"), RopeFactors.LongRopeAttentionFactor(shape.Context, shape.RopeScaling.OriginalContext));
        }
    }

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        if (shape.RopeScaling.Kind == RopeScalingKind.LongRope)
        {
            tensors.Values("rope_factors_long.weight", RopeFactors.LongRopeLong(shape.HeadDim, shape.RopeScaling.Factor));
            tensors.Values("rope_factors_short.weight", RopeFactors.LongRopeShort(shape.HeadDim));
        }

        int kvWidth = shape.KvHeads * shape.HeadDim;
        float inputScale = 1f / MathF.Sqrt(shape.Dim);
        AddEmbedding(tensors, shape, EmbeddingStd(shape));
        for (int l = 0; l < shape.Layers; l++)
        {
            string p = $"blk.{l}.";
            tensors.Norm(p + "attn_norm.weight", shape.Dim);
            tensors.Matrix(p + "attn_qkv.weight", l, shape.Dim + (2 * kvWidth), shape.Dim, inputScale);
            tensors.Matrix(p + "attn_output.weight", l, shape.Dim, shape.Dim, inputScale);
            tensors.Norm(p + "ffn_norm.weight", shape.Dim);
            tensors.Matrix(p + "ffn_up.weight", l, 2 * shape.FeedForward, shape.Dim, inputScale);
            tensors.Matrix(p + "ffn_down.weight", l, shape.Dim, shape.FeedForward, 1f / MathF.Sqrt(shape.FeedForward));
        }

        AddOutput(tensors, shape);
    }
}
