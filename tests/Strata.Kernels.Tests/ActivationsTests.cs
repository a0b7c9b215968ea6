// Tests of Gemma's element-wise ops (GELU-tanh gating, soft cap, scale) and RoPE frequencies against double references.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class ActivationsTests
{
    private static double GeluTanh(double g) => 0.5 * g * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (g + (0.044715 * g * g * g))));

    [Fact]
    public void GeluGlu_EveryLength_MatchesDoubleReference()
    {
        var rng = new Random(3);
        for (int n = 0; n <= 70; n++)
        {
            float[] g = TestData.Floats(rng, n, 6f);
            float[] u = TestData.Floats(rng, n, 2f);
            var y = new float[n];
            Activations.GeluGlu(g, u, y);
            for (int i = 0; i < n; i++)
            {
                double expected = GeluTanh(g[i]) * u[i];
                Assert.True(Math.Abs(y[i] - expected) <= (2e-6 * Math.Abs(expected)) + 1e-6, $"n={n} i={i}: expected {expected:R}, got {y[i]:R}");
            }
        }
    }

    [Fact]
    public void GeluGlu_ARowsResult_DoesNotDependOnWhereItSits()
    {
        var rng = new Random(4);
        float[] g = TestData.Floats(rng, 37, 4f), u = TestData.Floats(rng, 37, 1f);
        var alone = new float[37];
        Activations.GeluGlu(g, u, alone);
        float[] g2 = [.. TestData.Floats(rng, 11, 4f), .. g], u2 = [.. TestData.Floats(rng, 11, 1f), .. u];
        var shifted = new float[48];
        Activations.GeluGlu(g2, u2, shifted);
        Assert.Equal(alone, shifted[11..]);
    }

    [Fact]
    public void SoftCap_EveryLength_MatchesDoubleReference_AndStaysInsideTheCap()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 40; n++)
        {
            float[] x = TestData.Floats(rng, n, 200f);
            float[] y = (float[])x.Clone();
            Activations.SoftCap(y, 30f);
            for (int i = 0; i < n; i++)
            {
                double expected = 30 * Math.Tanh(x[i] / 30.0);
                Assert.True(Math.Abs(y[i] - expected) <= 1e-5, $"n={n} i={i}: expected {expected:R}, got {y[i]:R}");
                Assert.True(Math.Abs(y[i]) <= 30f);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.SoftCap(new float[3], 0f));
    }

    [Fact]
    public void Scale_MultipliesEveryElement()
    {
        float[] x = [.. Enumerable.Range(0, 35).Select(i => i - 17f)];
        Activations.Scale(x, 0.5f);
        Assert.Equal([.. Enumerable.Range(0, 35).Select(i => (i - 17f) * 0.5f)], x);
    }

    [Fact]
    public void Angles_PlainFrequencies_AreThePlainAngles()
    {
        var plainCos = new float[32];
        var plainSin = new float[32];
        Rope.Angles(77, 10000f, 64, plainCos, plainSin);
        var cos = new float[32];
        var sin = new float[32];
        Rope.Angles(77, new RopeFrequencies(10000f, 64), default, cos, sin);
        Assert.Equal(plainCos, cos);
        Assert.Equal(plainSin, sin);
    }

    // ggml's rope_yarn (ops.cpp) written out in double: factors divide theta, linear scaling multiplies it, YaRN ramps between
    // the two over the correction dims and scales the magnitude by 1 + 0.1·ln(1/scale).
    [Theory]
    [InlineData(1f, 0f, 1f, false)]
    [InlineData(0.25f, 0f, 1f, false)]
    [InlineData(1f, 0f, 1f, true)]
    [InlineData(0.25f, 1f, 0.8f, false)]
    [InlineData(0.125f, 1f, 1f, true)]
    public void Angles_ScaledFactoredAndYarn_MatchGgmlsFormula(float scale, float ext, float magnitude, bool withFactors)
    {
        const int dims = 64, position = 300;
        var (low, high) = RopeFrequencies.CorrectionDims(dims, 4096, 500000f, 32f, 1f);
        var f = new RopeFrequencies(500000f, dims, scale, ext, magnitude, low, high);
        float[] factors = withFactors ? [.. Enumerable.Range(0, dims / 2).Select(i => 1f + (i * 0.25f))] : [];
        var cos = new float[dims / 2];
        var sin = new float[dims / 2];
        Rope.Angles(position, f, factors, cos, sin);
        for (int i = 0; i < dims / 2; i++)
        {
            double extrapolated = position * Math.Pow(500000.0, -2.0 * i / dims) / (withFactors ? factors[i] : 1.0);
            double theta = scale * extrapolated;
            double m = magnitude;
            if (ext != 0)
            {
                double ramp = (1 - Math.Clamp((i - low) / Math.Max(0.001, high - low), 0, 1)) * ext;
                theta = (theta * (1 - ramp)) + (extrapolated * ramp);
                m *= 1 + (0.1 * Math.Log(1.0 / scale));
            }

            Assert.True(Math.Abs(cos[i] - (Math.Cos(theta) * m)) <= 1e-6 && Math.Abs(sin[i] - (Math.Sin(theta) * m)) <= 1e-6, $"pair {i}");
        }
    }

    [Fact]
    public void CorrectionDims_AreGgmlsFloorAndCeilClampedToTheDims()
    {
        var (low, high) = RopeFrequencies.CorrectionDims(128, 4096, 10000f, 32f, 1f);
        double Dim(double rotations) => 128 * Math.Log(4096 / (rotations * 2 * Math.PI)) / (2 * Math.Log(10000));
        Assert.Equal(Math.Max(0, Math.Floor(Dim(32))), low);
        Assert.Equal(Math.Min(127, Math.Ceiling(Dim(1))), high);
    }
}
