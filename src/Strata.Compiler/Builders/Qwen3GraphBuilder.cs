// Emits the Qwen 3 decoders (qwen3, qwen3moe): the Llama block with per-head RMSNorm on Q and K before RoPE, dense or MoE FFN.
using Strata.Compiler.Graphs;

namespace Strata.Compiler.Builders;

/// <summary>
/// embed → L × (RMSNorm, Q/K head norms, NeoX RoPE, attention, residual, RMSNorm, SwiGLU FFN [qwen3moe: routed experts],
/// residual) → logits.
/// </summary>
public static class Qwen3GraphBuilder
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
            x = g.FeedForwardBlock(g.AttentionBlock(x, layer, factors, headNorms: true), layer);
        }

        return g.Finish(g.Logits(x));
    }
}
