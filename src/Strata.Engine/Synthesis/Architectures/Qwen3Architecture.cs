// `strata synth --arch qwen3`: Qwen 3 dense, a Llama block with per-head q/k RMS norms and an explicit head width.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// qwen3: as llama plus attn_q_norm/attn_k_norm ([head-dim], applied per head before RoPE); the head width may differ
/// from d/heads (Qwen3-0.6B: 1024/16 heads of 128), written as attention.key_length/value_length. Defaults: RoPE θ 1e6, eps 1e-6.
/// </summary>
internal sealed class Qwen3Architecture : SynthArchitecture
{
    public override string Name => "qwen3";

    public override IReadOnlyList<string> ShapeKeys => ["head-dim", "rope-scaling", "rope-factor", "rope-orig-ctx"];

    public override IReadOnlyList<RopeScalingKind> RopeScalings => [RopeScalingKind.Linear, RopeScalingKind.Yarn];

    public override ModelShape WithDefaults(ModelShape shape) => shape with { RopeBase = 1e6f, NormEpsilon = 1e-6f };

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape) => AddDecoderKeys(writer, shape);

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        AddEmbedding(tensors, shape, EmbeddingStd(shape));
        for (int l = 0; l < shape.Layers; l++)
        {
            tensors.Norm($"blk.{l}.attn_norm.weight", shape.Dim);
            AddAttention(tensors, shape, l);
            AddQueryKeyNorms(tensors, shape, l);
            tensors.Norm($"blk.{l}.ffn_norm.weight", shape.Dim);
            AddGatedFeedForward(tensors, shape, l);
        }

        AddOutput(tensors, shape);
    }
}
