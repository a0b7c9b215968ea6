// LayerNorm with bias and erf-GELU (the encoder ops) against double-precision references written here.
namespace Strata.Kernels.Tests;

public sealed class EncoderOpsTests
{
    // erf by Simpson's rule over exp(−t²) on [0, |x|] with 4000 panels: error far below 1e-12 for |x| ≤ 8.
    private static double Erf(double x)
    {
        double a = Math.Abs(x);
        const int Panels = 4000;
        double h = a / Panels, sum = 1 + Math.Exp(-a * a);
        for (int k = 1; k < Panels; k++)
        {
            double t = k * h;
            sum += (k % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
        }

        return Math.Sign(x) * sum * h / 3 * 2 / Math.Sqrt(Math.PI);
    }

    [Fact]
    public void GeluErf_MatchesTheExactFormWithin2e7TimesX()
    {
        var xs = new float[1001];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = -8f + (16f * i / (xs.Length - 1));
        }

        var y = (float[])xs.Clone();
        Activations.GeluErf(y);
        for (int i = 0; i < xs.Length; i++)
        {
            double exact = 0.5 * xs[i] * (1 + Erf(xs[i] / Math.Sqrt(2)));
            Assert.True(Math.Abs(y[i] - exact) <= (2e-7 * Math.Max(1, Math.Abs(xs[i]))) + 1e-7, $"gelu({xs[i]}) = {y[i]}, exact {exact}");
        }
    }

    [Fact]
    public void Erf_WithinAFewUlpOfTheExactValue_OddAndOneFarOut()
    {
        for (int i = 0; i <= 1200; i++)
        {
            float z = -6f + (12f * i / 1200);
            double exact = Erf(z);
            float actual = Activations.Erf(z);
            Assert.True(Math.Abs(actual - exact) <= 2.5e-7, $"erf({z}) = {actual}, exact {exact}");
            Assert.Equal(-actual, Activations.Erf(-z));
        }

        Assert.Equal(1f, Activations.Erf(10f));
        Assert.Equal(-1f, Activations.Erf(float.NegativeInfinity));
        Assert.True(float.IsNaN(Activations.Erf(float.NaN)));
    }

    [Fact]
    public void GeluErf_SameValueWhereverAnElementSits()
    {
        var random = new Random(3);
        var row = new float[37];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (float)((random.NextDouble() * 10) - 5);
        }

        var whole = (float[])row.Clone();
        Activations.GeluErf(whole);
        for (int i = 0; i < row.Length; i++)
        {
            var one = new[] { row[i] };
            Activations.GeluErf(one);
            Assert.Equal(whole[i], one[0]);
        }
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(7, 0f)]
    [InlineData(384, 0f)]
    [InlineData(384, 1000f)]
    [InlineData(1030, -3f)]
    public void LayerNorm_MatchesADoubleReference(int n, float offset)
    {
        var random = new Random(n);
        float[] x = new float[n], w = new float[n], b = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = offset + (float)((random.NextDouble() * 4) - 2);
            w[i] = 1f + (float)((random.NextDouble() * 0.2) - 0.1);
            b[i] = (float)((random.NextDouble() * 0.2) - 0.1);
        }

        LayerNorm.Apply(x, w, b, 1e-12f, y);
        double mean = 0, variance = 0;
        foreach (float v in x)
        {
            mean += v;
        }

        mean /= n;
        foreach (float v in x)
        {
            variance += (v - mean) * (v - mean);
        }

        variance /= n;
        for (int i = 0; i < n; i++)
        {
            double expected = ((x[i] - mean) / Math.Sqrt(variance + 1e-12) * w[i]) + b[i];
            Assert.True(Math.Abs(y[i] - expected) <= 2e-5 * Math.Max(1, Math.Abs(expected)), $"n {n} offset {offset} [{i}]: {y[i]} vs {expected}");
        }

        LayerNorm.Apply(x, w, b, 1e-12f, x); // in place gives the same
        Assert.Equal(y, x);
    }

    [Fact]
    public void LayerNorm_LengthsThatDifferAreRefused() =>
        Assert.Throws<ArgumentException>(() => LayerNorm.Apply(new float[4], new float[4], new float[3], 1e-5f, new float[4]));
}
