// `strata synth --arch qwen3moe`: Qwen 3 MoE (Qwen3-30B-A3B), Qwen 3 attention with a routed expert FFN in every layer.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// qwen3moe: Qwen 3 attention; per layer a router ffn_gate_inp ([d, experts], F32 as the converter writes it, N(0, 9/d) so
/// that routing is decisive) and 3-D ffn_gate_exps/ffn_up_exps ([d, expert-ffn, experts]) and ffn_down_exps
/// ([expert-ffn, d, experts]). Keys expert_count, expert_used_count and expert_feed_forward_length (default ffn /
/// experts-used, llama.cpp's own fallback). llama.cpp softmaxes the router, takes the top experts-used and renormalises
/// their weights (norm_topk_prob, always on for this architecture).
/// </summary>
internal sealed class Qwen3MoeArchitecture : SynthArchitecture
{
    public override string Name => "qwen3moe";

    public override IReadOnlyList<string> ShapeKeys =>
        ["head-dim", "experts", "experts-used", "expert-ffn", "rope-scaling", "rope-factor", "rope-orig-ctx"];

    public override IReadOnlyList<RopeScalingKind> RopeScalings => [RopeScalingKind.Linear, RopeScalingKind.Yarn];

    public override ModelShape WithDefaults(ModelShape shape) => shape with { RopeBase = 1e6f, NormEpsilon = 1e-6f };

    public override void Validate(ModelShape shape)
    {
        base.Validate(shape);
        if (shape.Experts < 1 || shape.ExpertsUsed < 1 || shape.ExpertsUsed > shape.Experts || shape.ExpertFeedForward < 32)
        {
            throw Invalid($"experts={shape.Experts}, experts-used={shape.ExpertsUsed}, expert-ffn={shape.ExpertFeedForward}: a MoE needs "
                + "experts= ≥ 1 and 1 ≤ experts-used= ≤ experts, with experts at least 32 wide");
        }
    }

    public override void AddHyperParameters(GgufWriter writer, ModelShape shape)
    {
        AddDecoderKeys(writer, shape);
        writer.Add(Key("expert_count"), (uint)shape.Experts)
            .Add(Key("expert_used_count"), (uint)shape.ExpertsUsed)
            .Add(Key("expert_feed_forward_length"), (uint)shape.ExpertFeedForward);
    }

    public override void AddTensors(SyntheticTensors tensors, ModelShape shape)
    {
        float inputScale = 1f / MathF.Sqrt(shape.Dim);
        AddEmbedding(tensors, shape, EmbeddingStd(shape));
        for (int l = 0; l < shape.Layers; l++)
        {
            string p = $"blk.{l}.";
            tensors.Norm(p + "attn_norm.weight", shape.Dim);
            AddAttention(tensors, shape, l);
            AddQueryKeyNorms(tensors, shape, l);
            tensors.Norm(p + "ffn_norm.weight", shape.Dim);
            tensors.Matrix(p + "ffn_gate_inp.weight", l, shape.Experts, shape.Dim, 3f * inputScale);
            tensors.Experts(p + "ffn_gate_exps.weight", l, shape.Experts, shape.ExpertFeedForward, shape.Dim, inputScale);
            tensors.Experts(p + "ffn_up_exps.weight", l, shape.Experts, shape.ExpertFeedForward, shape.Dim, inputScale);
            tensors.Experts(p + "ffn_down_exps.weight", l, shape.Experts, shape.Dim, shape.ExpertFeedForward,
                1f / MathF.Sqrt(shape.ExpertFeedForward));
        }

        AddOutput(tensors, shape);
    }
}
