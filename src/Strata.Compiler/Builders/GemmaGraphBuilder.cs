// Emits the Gemma 2 / Gemma 3 decoder: √d-scaled embeddings, pre- and post-norms, GELU-gated FFN, local and global layers.
using Strata.Compiler.Graphs;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed·√d → L × (RMSNorm, attention [Gemma 3: Q/K head norms] with the layer's RoPE base and window [sliding-window layers
/// interleaved with global ones], scale from the spec, [Gemma 2: score soft cap], post-attention RMSNorm, residual, RMSNorm,
/// GELU-tanh gated FFN, post-FFN RMSNorm, residual) → final norm → logits [soft-capped where the spec says].
/// </summary>
/// <remarks>The (1 + w) of Gemma's norms is in the GGUF weights already (the converter adds the 1), so the norms are plain RMSNorms.</remarks>
public static class GemmaGraphBuilder
{
    /// <summary>Builds the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static OpGraph Build(DecoderSpec spec, int contextTokens)
    {
        var g = new DecoderGraph(spec);
        string? factors = RopeFactors.For(spec, contextTokens);
        var x = g.Embed(MathF.Sqrt(spec.EmbeddingDim));
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            string p = $"blk.{layer}.";
            bool local = spec.SlidingWindow?.IsLocal(layer) == true;
            var rope = local ? spec.SlidingWindow!.LocalRope ?? spec.Rope : spec.Rope;
            var h = g.Norm(x, p + "attn_norm.weight", $"blk{layer}.attn_in");
            var (q, k, v) = g.QueryKeyValue(h, layer);
            if (g.Has(p + "attn_q_norm.weight"))
            {
                q = g.HeadNorm(q, spec.Heads, p + "attn_q_norm.weight", $"blk{layer}.q_norm");
                k = g.HeadNorm(k, spec.KvHeads, p + "attn_k_norm.weight", $"blk{layer}.k_norm");
            }

            q = g.Rope(q, spec.Heads, rope, factors, $"blk{layer}.q_rope");
            k = g.Rope(k, spec.KvHeads, rope, factors, $"blk{layer}.k_rope");
            var attended = g.Attention(q, k, v, layer, spec.EffectiveAttentionScale, spec.AttentionSoftCap, local ? spec.SlidingWindow!.Window : 0);
            var o = g.MatMul(attended, p + "attn_output.weight", $"blk{layer}.attn_out", spec.EmbeddingDim);
            x = g.Add(x, g.Norm(o, p + "post_attention_norm.weight", $"blk{layer}.attn_post"), $"blk{layer}.resid1");
            var f = g.GatedFeedForward(g.Norm(x, p + "ffn_norm.weight", $"blk{layer}.ffn_in"), layer, gelu: true);
            x = g.Add(x, g.Norm(f, p + "post_ffw_norm.weight", $"blk{layer}.ffn_post"), $"blk{layer}.resid2");
        }

        return g.Finish(g.Logits(x, spec.FinalSoftCap));
    }
}
