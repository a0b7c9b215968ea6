// Emits the Qwen 3 decoders (qwen3, qwen3moe): the Llama block with per-head RMSNorm on Q and K before RoPE, dense or MoE FFN.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, Q/K head norms, NeoX RoPE, attention, residual, RMSNorm, SwiGLU FFN [qwen3moe: routed experts],
/// residual) → logits.
/// </summary>
public static class Qwen3GraphBuilder
{
    /// <summary>Builds the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static Graph Build(DecoderSpec spec, int contextTokens)
    {
        var g = new DecoderGraph(spec);
        string? factors = RopeFactors.For(spec, contextTokens);
        var x = g.Embed();
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            string p = $"blk.{layer}.";
            var h = g.Norm(x, p + "attn_norm.weight", $"blk{layer}.attn_in");
            var (q, k, v) = g.QueryKeyValue(h, layer);
            q = g.Rope(g.HeadNorm(q, spec.Heads, p + "attn_q_norm.weight", $"blk{layer}.q_norm"), spec.Heads, spec.Rope, factors, $"blk{layer}.q_rope");
            k = g.Rope(g.HeadNorm(k, spec.KvHeads, p + "attn_k_norm.weight", $"blk{layer}.k_norm"), spec.KvHeads, spec.Rope, factors, $"blk{layer}.k_rope");
            var attended = g.Attention(q, k, v, layer, spec.EffectiveAttentionScale);
            x = g.Add(x, g.MatMul(attended, p + "attn_output.weight", $"blk{layer}.attn_out", spec.EmbeddingDim), $"blk{layer}.resid1");
            var f = g.Norm(x, p + "ffn_norm.weight", $"blk{layer}.ffn_in");
            x = g.Add(x, spec.Experts is null ? g.GatedFeedForward(f, layer, gelu: false) : g.ExpertFeedForward(f, layer), $"blk{layer}.resid2");
        }

        return g.Finish(g.Logits(x));
    }
}
