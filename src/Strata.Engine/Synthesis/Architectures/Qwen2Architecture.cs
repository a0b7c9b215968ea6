// `strata synth --arch qwen2`: Qwen 2 / 2.5, a Llama block with q/k/v biases.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// qwen2: as llama plus attn_q/k/v.bias; llama.cpp sizes q and attn_output by d, so the head width is d/heads. Defaults as
/// the Qwen 2.5 configs: RoPE θ 1e6, eps 1e-6.
/// </summary>
internal sealed class Qwen2Architecture : SynthArchitecture
{
    public override string Name => "qwen2";

    public override IReadOnlyList<string> ShapeKeys => ["rope-scaling", "rope-factor", "rope-orig-ctx"];

    public override IReadOnlyList<RopeScalingKind> RopeScalings => [RopeScalingKind.Linear, RopeScalingKind.Yarn];

    public override ModelShape WithDefaults(ModelShape shape) => shape with { RopeBase = 1e6f, NormEpsilon = 1e-6f };

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (shape.ExplicitHeadDim is not null && shape.ExplicitHeadDim != shape.Dim / shape.Heads)
        {
            throw Invalid($"head-dim {shape.HeadDim} must be d/heads = {shape.Dim / shape.Heads} (llama.cpp sizes qwen2's attn_q by d)");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape) => AddDecoderKeys(writer, shape);

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        AddEmbedding(tensors, shape, EmbeddingStd(shape));
        for (int l = 0; l < shape.Layers; l++)
        {
            tensors.Norm($"blk.{l}.attn_norm.weight", shape.Dim);
            AddAttention(tensors, shape, l, biases: true);
            tensors.Norm($"blk.{l}.ffn_norm.weight", shape.Dim);
            AddGatedFeedForward(tensors, shape, l);
        }

        AddOutput(tensors, shape);
    }
}
