// Emits the Phi-3 decoder: fused QKV and gate/up projections, RoPE with short or long frequency factors and their magnitude.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, fused QKV split into Q, K, V, NeoX RoPE [Phi-3.5's long or short factors by context, with the
/// model's attn_factor], attention, residual, RMSNorm, fused gate/up SwiGLU FFN, residual) → final norm → logits.
/// </summary>
public static class Phi3GraphBuilder
{
    /// <summary>Builds the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static Graph Build(DecoderSpec spec, int contextTokens)
    {
        var g = new DecoderGraph(spec);
        if (g.Has("output.bias"))
        {
            throw new CompileException("phi3: tensor 'output.bias' is not supported (no phi3 model Strata knows has one)");
        }

        string? factors = RopeFactors.For(spec, contextTokens);
        var x = g.Embed();
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            string p = $"blk.{layer}.";
            var h = g.Norm(x, p + "attn_norm.weight", $"blk{layer}.attn_in");
            var (q, k, v) = g.QueryKeyValue(h, layer);
            q = g.Rope(q, spec.Heads, spec.Rope, factors, $"blk{layer}.q_rope");
            k = g.Rope(k, spec.KvHeads, spec.Rope, factors, $"blk{layer}.k_rope");
            var attended = g.Attention(q, k, v, layer, spec.EffectiveAttentionScale);
            x = g.Add(x, g.Projection(attended, p + "attn_output", $"blk{layer}.attn_out", spec.EmbeddingDim), $"blk{layer}.resid1");
            var f = g.Norm(x, p + "ffn_norm.weight", $"blk{layer}.ffn_in");
            x = g.Add(x, g.GatedFeedForward(f, layer, gelu: false), $"blk{layer}.resid2");
        }

        return g.Finish(g.Logits(x));
    }
}
