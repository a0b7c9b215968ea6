// `strata synth --arch gemma3`: Gemma 3 text, Gemma 2's block with q/k norms, 5:1 local/global layers and two RoPE bases.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// gemma3: per layer attn_norm, attn_q/k/v/output, attn_q_norm/attn_k_norm ([head-dim]), post_attention_norm, ffn_norm,
/// ffn_gate/up/down, post_ffw_norm; output.weight only when untied. Keys: head width (always), rope.freq_base for global
/// layers and rope.freq_base_swa for local ones, attention.sliding_window (omitted with window=0: no local layers), its
/// pattern when not llama.cpp's default 6 (layers 0–4 of every 6 local), final_logit_softcapping when set, and linear
/// scaling (which llama.cpp applies to the global layers only, as Gemma-3-4B+ use it). Defaults as Gemma-3-1B: window 512,
/// RoPE θ 1e6 global and 10000 local, eps 1e-6, tied.
/// </summary>
internal sealed class Gemma3Architecture : SynthArchitecture
{
    private const int DefaultPattern = 6;

    public override string Name => "gemma3";

    public override IReadOnlyList<string> ShapeKeys =>
        ["head-dim", "window", "swa-pattern", "rope-base-swa", "softcap-final", "rope-scaling", "rope-factor"];

    public override IReadOnlyList<RopeScalingKind> RopeScalings => [RopeScalingKind.Linear];

    public override ModelShape WithDefaults(ModelShape shape) => shape with
    {
        TiedOutput = true,
        RopeBase = 1e6f,
        RopeBaseSwa = 10000f,
        NormEpsilon = 1e-6f,
        SlidingWindow = 512,
        SlidingWindowPattern = DefaultPattern,
    };

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (shape.SlidingWindow < 0 || shape.SlidingWindowPattern < 1 || (shape.SlidingWindow > 0 && shape.RopeBaseSwa <= 0))
        {
            throw Invalid($"window={shape.SlidingWindow}, swa-pattern={shape.SlidingWindowPattern}, rope-base-swa={shape.RopeBaseSwa}: "
                + "the window must be 0 (none) or positive, the pattern positive, and a windowed model needs a local RoPE base");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape)
    {
        AddDecoderKeys(writer, shape, alwaysHeadDim: true);
        if (shape.SlidingWindow > 0)
        {
            writer.Add(Key("rope.freq_base_swa"), shape.RopeBaseSwa);
            AddSlidingWindowKeys(writer, shape, DefaultPattern);
        }

        if (shape.FinalSoftcap > 0)
        {
            writer.Add(Key("final_logit_softcapping"), shape.FinalSoftcap);
        }
    }

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape) => AddGemmaTensors(tensors, shape, queryKeyNorms: true);
}
