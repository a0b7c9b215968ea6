// RoPE factor vectors: Llama 3's rope_freqs as the converter computes them, LongRoPE's ramps and attention factor.
using Strata.Engine.Synthesis;
using Strata.Engine.Synthesis.Architectures;

namespace Strata.Engine.Tests.Synthesis;

public sealed class RopeFactorsTests
{
    [Fact]
    public void Llama3_Llama32Preset_MatchesTheConvertersFormula()
    {
        var shape = ModelShape.Llama32_1B;
        float[] factors = RopeFactors.Llama3(shape.HeadDim, shape.RopeBase, shape.RopeScaling);

        Assert.Equal(32, factors.Length);
        for (int i = 0; i < factors.Length; i++)
        {
            // convert_hf_to_gguf.py LlamaModel.generate_extra_tensors, in double.
            double wavelength = 2 * Math.PI * Math.Pow(500000.0, 2.0 * i / 64);
            double expected = wavelength < 8192 / 4.0 ? 1 : wavelength > 8192 / 1.0 ? 32
                : 1 / ((1 - ((8192 / wavelength) - 1) / 3) / 32 + ((8192 / wavelength) - 1) / 3);
            Assert.Equal(expected, factors[i], 4);
        }

        Assert.Equal([1.6513f, 3.2923f, 9.6667f], factors[15..18].Select(f => MathF.Round(f, 4)));
    }

    [Fact]
    public void LongRope_FactorsRampAndAttentionFactorIsTheConverters()
    {
        float[] longFactors = RopeFactors.LongRopeLong(96, 32f);
        float[] shortFactors = RopeFactors.LongRopeShort(96);
        Assert.Equal((48, 1f, 32f), (longFactors.Length, longFactors[0], longFactors[^1]));
        Assert.Equal((48, 1f, 2f), (shortFactors.Length, shortFactors[0], shortFactors[^1]));
        Assert.Equal(Math.Sqrt(1 + (Math.Log(32) / Math.Log(4096))), RopeFactors.LongRopeAttentionFactor(131072, 4096), 6);
        Assert.Equal(1f, RopeFactors.LongRopeAttentionFactor(4096, 4096));
    }
}
