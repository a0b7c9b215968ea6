// Emits the Phi-3 decoder: fused QKV and gate/up projections, RoPE with short or long frequency factors and their magnitude.
using Strata.Compiler.Graphs;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, fused QKV split into Q, K, V, NeoX RoPE [Phi-3.5's long or short factors by context, with the
/// model's attn_factor], attention, residual, RMSNorm, fused gate/up SwiGLU FFN, residual) → final norm → logits. The fused
/// projections are <see cref="DecoderGraph"/>'s (it splits attn_qkv and a double-width ffn_up wherever a model has them).
/// </summary>
public static class Phi3GraphBuilder
{
    /// <summary>Builds the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static OpGraph Build(DecoderSpec spec, int contextTokens)
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
            x = g.FeedForwardBlock(g.AttentionBlock(x, layer, factors, headNorms: false), layer);
        }

        return g.Finish(g.Logits(x));
    }
}
