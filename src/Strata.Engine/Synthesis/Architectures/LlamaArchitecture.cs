// `strata synth --arch llama`: Llama 1–3 (and SmolLM, TinyLlama), optionally with Llama 3, linear or YaRN RoPE scaling.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// llama: attn_norm, attn_q/k/v/output, ffn_norm, ffn_gate/up/down per layer. Llama 3 scaling writes rope_freqs.weight
/// (llama.cpp divides each RoPE frequency by its factor); linear and YaRN write the rope.scaling.* keys. The output of this
/// writer is byte for byte what `strata synth` wrote before it learnt other architectures.
/// </summary>
internal sealed class LlamaArchitecture : SynthArchitecture
{
    public override string Name => "llama";

    public override IReadOnlyList<string> ShapeKeys => ["head-dim", "rope-scaling", "rope-factor", "rope-orig-ctx"];

    public override IReadOnlyList<RopeScalingKind> RopeScalings => [RopeScalingKind.Llama3, RopeScalingKind.Linear, RopeScalingKind.Yarn];

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape) => AddDecoderKeys(writer, shape);

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        if (shape.RopeScaling.Kind == RopeScalingKind.Llama3)
        {
            tensors.Values("rope_freqs.weight", RopeFactors.Llama3(shape.HeadDim, shape.RopeBase, shape.RopeScaling));
        }

        AddEmbedding(tensors, shape, 1f);
        for (int l = 0; l < shape.Layers; l++)
        {
            tensors.Norm($"blk.{l}.attn_norm.weight", shape.Dim);
            AddAttention(tensors, shape, l);
            tensors.Norm($"blk.{l}.ffn_norm.weight", shape.Dim);
            AddGatedFeedForward(tensors, shape, l);
        }

        AddOutput(tensors, shape);
    }
}
