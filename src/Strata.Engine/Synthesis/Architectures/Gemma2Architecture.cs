// `strata synth --arch gemma2`: Gemma 2, sandwich norms, GELU FFN, alternating sliding-window layers and logit soft-caps.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// gemma2: per layer attn_norm, attn_q/k/v/output, post_attention_norm, ffn_norm, ffn_gate/up/down, post_ffw_norm; the
/// output is always the embedding (llama.cpp creates no output.weight for gemma2, so tied is required). Keys: head width
/// (always, as the converter writes it), attn_logit_softcapping, final_logit_softcapping, attention.sliding_window, and
/// attention.sliding_window_pattern when it is not llama.cpp's default 2 (layers 0, 2, 4, … use the window). Norm weights
/// are stored as 1 + w by the converter, so random norms around 1 are what a real file holds (the post-norms are around
/// <see cref="SynthArchitecture.GemmaPostNormMean"/>). Defaults as Gemma-2-2B:
/// window 4096, soft-caps 50 and 30, RoPE θ 10000, eps 1e-6.
/// </summary>
internal sealed class Gemma2Architecture : SynthArchitecture
{
    private const int DefaultPattern = 2;

    public override string Name => "gemma2";

    public override IReadOnlyList<string> ShapeKeys => ["head-dim", "window", "swa-pattern", "softcap-attn", "softcap-final"];

    public override ModelShape WithDefaults(ModelShape shape) => shape with
    {
        TiedOutput = true,
        NormEpsilon = 1e-6f,
        SlidingWindow = 4096,
        SlidingWindowPattern = DefaultPattern,
        AttentionSoftcap = 50f,
        FinalSoftcap = 30f,
    };

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (!shape.TiedOutput)
        {
            throw Invalid("the output must be tied to the embedding (llama.cpp's gemma2 loader has no output.weight)");
        }

        if (shape.SlidingWindow < 1 || shape.SlidingWindowPattern < 1 || shape.AttentionSoftcap <= 0 || shape.FinalSoftcap <= 0)
        {
            throw Invalid($"window={shape.SlidingWindow}, swa-pattern={shape.SlidingWindowPattern}, softcap-attn={shape.AttentionSoftcap}, "
                + $"softcap-final={shape.FinalSoftcap}: all must be positive (llama.cpp always applies gemma2's window and soft-caps)");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape)
    {
        AddDecoderKeys(writer, shape, alwaysHeadDim: true);
        writer.Add(Key("attn_logit_softcapping"), shape.AttentionSoftcap)
            .Add(Key("final_logit_softcapping"), shape.FinalSoftcap);
        AddSlidingWindowKeys(writer, shape, DefaultPattern);
    }

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape) => AddGemmaTensors(tensors, shape, queryKeyNorms: false);
}
