// Which frequency-factor tensor a decoder's RoPE reads: Llama 3's rope_freqs, or Phi-3's short or long factors by context.
namespace Strata.Compiler.Builders;

/// <summary>The frequency-factor tensor of a spec at a context size.</summary>
public static class RopeFactors
{
    /// <summary>
    /// The long factors when the model has them and a sequence may run past the original context (llama.cpp's rule, by the
    /// context per sequence), else the spec's factors (rope_freqs or the short factors), else null.
    /// </summary>
    public static string? For(DecoderSpec spec, int contextTokens)
    {
        int original = spec.Rope.OriginalContext > 0 ? spec.Rope.OriginalContext : spec.ContextLength;
        return spec.Rope.LongFactorsTensor is { } longFactors && contextTokens > original ? longFactors : spec.Rope.FactorsTensor;
    }
}
