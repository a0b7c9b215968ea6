// Emits the Llama-family decoder (llama, mistral, qwen2): pre-norm attention with optional QKV bias and RoPE scaling, SwiGLU FFN.
using Strata.Compiler.Graphs;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, attention with RoPE (Llama 3 frequency factors, linear or YaRN scaling where the model has them),
/// residual, RMSNorm, SwiGLU FFN, residual) → final norm → logits of the output rows.
/// </summary>
public static class LlamaGraphBuilder
{
    /// <summary>Builds the decoder graph.</summary>
    /// <exception cref="CompileException">a tensor is missing, has the wrong shape, or a parameter is out of range</exception>
    public static OpGraph Build(DecoderSpec spec, int contextTokens)
    {
        var g = new DecoderGraph(spec);
        string? factors = RopeFactors.For(spec, contextTokens);
        var x = g.Embed();
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            x = g.FeedForwardBlock(g.AttentionBlock(x, layer, factors, headNorms: false), layer);
        }

        return g.Finish(g.Logits(x));
    }
}
