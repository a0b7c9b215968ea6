// Emits the Llama-family decoder (llama, mistral, qwen2): pre-norm attention with optional QKV bias and RoPE scaling, SwiGLU FFN.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, attention with RoPE (Llama 3 frequency factors, linear or YaRN scaling where the model has them),
/// residual, RMSNorm, SwiGLU FFN, residual) → final norm → logits of the output rows.
/// </summary>
public static class LlamaGraphBuilder
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
            var h = g.Norm(x, $"blk.{layer}.attn_norm.weight", $"blk{layer}.attn_in");
            var (q, k, v) = g.QueryKeyValue(h, layer);
            q = g.Rope(q, spec.Heads, spec.Rope, factors, $"blk{layer}.q_rope");
            k = g.Rope(k, spec.KvHeads, spec.Rope, factors, $"blk{layer}.k_rope");
            var attended = g.Attention(q, k, v, layer, spec.EffectiveAttentionScale);
            x = g.Add(x, g.MatMul(attended, $"blk.{layer}.attn_output.weight", $"blk{layer}.attn_out", spec.EmbeddingDim), $"blk{layer}.resid1");
            var f = g.Norm(x, $"blk.{layer}.ffn_norm.weight", $"blk{layer}.ffn_in");
            x = g.Add(x, g.GatedFeedForward(f, layer, gelu: false), $"blk{layer}.resid2");
        }

        return g.Finish(g.Logits(x));
    }
}
