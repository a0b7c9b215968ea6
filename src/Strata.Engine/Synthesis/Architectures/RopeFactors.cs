// Per-dimension RoPE frequency factors: Llama 3's smoothing (as the converter computes it) and LongRoPE's long/short ramps.
namespace Strata.Engine.Synthesis.Architectures;

/// <summary>
/// The F32 vectors llama.cpp divides RoPE frequencies by (ggml_rope_ext's freq_factors): one per pair of dimensions.
/// </summary>
internal static class RopeFactors
{
    /// <summary>
    /// Llama 3 rope_freqs, as convert_hf_to_gguf.py's LlamaModel.generate_extra_tensors computes them, in float32 with the
    /// operations torch performs (only torch's powf may differ in the last bit): for frequency f = base^(−2i/dim) and
    /// wavelength λ = 2π/f, 1 where λ &lt; orig/high, the factor where λ &gt; orig/low, and 1 / ((1 − s)/factor + s) between,
    /// with s = (orig/λ − low) / (high − low).
    /// </summary>
    public static float[] Llama3(int headDim, float ropeBase, RopeScaling scaling)
    {
        float factor = scaling.Factor;
        float low = scaling.LowFrequencyFactor;
        float high = scaling.HighFrequencyFactor;
        float oldContext = scaling.OriginalContext;
        float lowFrequencyWavelength = oldContext / low;
        float highFrequencyWavelength = oldContext / high;
        var factors = new float[headDim / 2];
        for (int i = 0; i < factors.Length; i++)
        {
            float frequency = 1f / MathF.Pow(ropeBase, (float)(2 * i) / headDim);
            float wavelength = (1f / frequency) * (float)(2 * Math.PI); // torch's scalar / tensor is reciprocal(tensor) * scalar
            if (wavelength < highFrequencyWavelength)
            {
                factors[i] = 1f;
            }
            else if (wavelength > lowFrequencyWavelength)
            {
                factors[i] = factor;
            }
            else
            {
                float smooth = (((1f / wavelength) * oldContext) - low) / (high - low);
                factors[i] = 1f / (((1f - smooth) / factor) + smooth);
            }
        }

        return factors;
    }

    /// <summary>
    /// Illustrative LongRoPE long factors (Phi-3.5's are learnt; these have their shape): a geometric ramp from 1 for the
    /// fastest pair to the context factor for the slowest, so the slowest wavelengths stretch over the whole context.
    /// </summary>
    public static float[] LongRopeLong(int headDim, float contextFactor)
    {
        var factors = new float[headDim / 2];
        for (int i = 0; i < factors.Length; i++)
        {
            factors[i] = MathF.Pow(Math.Max(contextFactor, 1f), (float)i / Math.Max(factors.Length - 1, 1));
        }

        return factors;
    }

    /// <summary>Illustrative LongRoPE short factors: a linear ramp from 1 to 2 (Phi-3.5's learnt ones stay within a few units of 1).</summary>
    public static float[] LongRopeShort(int headDim)
    {
        var factors = new float[headDim / 2];
        for (int i = 0; i < factors.Length; i++)
        {
            factors[i] = 1f + ((float)i / Math.Max(factors.Length - 1, 1));
        }

        return factors;
    }

    /// <summary>The converter's LongRoPE attention factor: √(1 + ln(ctx/orig) / ln(orig)) when ctx &gt; orig, else 1.</summary>
    public static float LongRopeAttentionFactor(int context, int originalContext)
    {
        double scale = (double)context / originalContext;
        return scale > 1.0 ? (float)Math.Sqrt(1 + (Math.Log(scale) / Math.Log(originalContext))) : 1f;
    }
}
