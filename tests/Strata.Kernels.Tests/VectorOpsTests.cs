// Tests of VectorOps and Rope against scalar double-precision references for every length 0–256.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class VectorOpsTests
{
    private static void Close(double expected, float actual, double rel, double abs, string what) =>
        Assert.True(Math.Abs(actual - expected) <= (rel * Math.Abs(expected)) + abs,
            $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void RmsNorm_EveryLength_MatchesDoubleReferenceWithin1e6()
    {
        var rng = new Random(1);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = TestData.Floats(rng, n, 3f);
            float[] w = TestData.Floats(rng, n, 2f);
            var y = new float[n];
            VectorOps.RmsNorm(x, w, 1e-6f, y);
            double ss = 0;
            for (int i = 0; i < n; i++)
            {
                ss += (double)x[i] * x[i];
            }

            double scale = 1.0 / Math.Sqrt((ss / Math.Max(n, 1)) + 1e-6);
            for (int i = 0; i < n; i++)
            {
                Close(x[i] * scale * w[i], y[i], 1e-6, 1e-12, $"n={n} i={i}");
            }
        }
    }

    [Fact]
    public void Softmax_EveryLength_MatchesDoubleReferenceWithin4e6()
    {
        var rng = new Random(2);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = TestData.Floats(rng, n, 8f);
            float[] y = (float[])x.Clone();
            VectorOps.Softmax(y);
            double max = double.NegativeInfinity;
            foreach (float v in x)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (float v in x)
            {
                sum += Math.Exp(v - max);
            }

            for (int i = 0; i < n; i++)
            {
                Close(Math.Exp(x[i] - max) / sum, y[i], 4e-6, 1e-12, $"n={n} i={i}");
            }
        }
    }

    [Fact]
    public void SwiGlu_EveryLength_MatchesDoubleReferenceWithin1e6()
    {
        var rng = new Random(3);
        for (int n = 0; n <= 256; n++)
        {
            float[] g = TestData.Floats(rng, n, 12f);
            float[] u = TestData.Floats(rng, n, 2f);
            var y = new float[n];
            VectorOps.SwiGlu(g, u, y);
            for (int i = 0; i < n; i++)
            {
                double e = g[i] / (1 + Math.Exp(-(double)g[i])) * u[i];
                Close(e, y[i], 1e-6, 1e-12, $"n={n} i={i}");
            }
        }
    }

    [Fact]
    public void SwiGlu_RowAnywhereInABatch_BitIdenticalToTheRowAlone()
    {
        // The runner passes a batch's rows as one span; width 172 (stories260K's FFN) puts a row at every 16-lane offset.
        const int Width = 172, Rows = 9;
        var rng = new Random(11);
        float[] g = TestData.Floats(rng, Rows * Width, 12f);
        float[] u = TestData.Floats(rng, Rows * Width, 2f);
        var batch = new float[Rows * Width];
        VectorOps.SwiGlu(g, u, batch);
        var alone = new float[Width];
        for (int r = 0; r < Rows; r++)
        {
            VectorOps.SwiGlu(g.AsSpan(r * Width, Width), u.AsSpan(r * Width, Width), alone);
            for (int i = 0; i < Width; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(alone[i]) == BitConverter.SingleToInt32Bits(batch[(r * Width) + i]),
                    $"row {r} element {i}: alone {alone[i]:R}, in the batch {batch[(r * Width) + i]:R}");
            }
        }
    }

    [Fact]
    public void Exp512_Range_Within2UlpOfDouble()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        // 1.1 M evenly spaced points over [−87.3, 88.7], and ± values from 1e−30 to 1 in steps of ×1.01.
        var points = new List<float>();
        for (int i = 0; i < 1_100_000; i++)
        {
            points.Add((float)(-87.3 + (i * (176.0 / 1_100_000))));
        }

        for (double m = 1e-30; m < 1; m *= 1.01)
        {
            points.Add((float)m);
            points.Add((float)-m);
        }

        float[] lanes = new float[16];
        for (int i = 0; i + 16 <= points.Count; i += 16)
        {
            points.CopyTo(i, lanes, 0, 16);
            var got = VectorOps.Exp512(System.Runtime.Intrinsics.Vector512.Create(lanes));
            for (int k = 0; k < 16; k++)
            {
                float expected = (float)Math.Exp(lanes[k]);
                int ulp = Math.Abs(BitConverter.SingleToInt32Bits(expected) - BitConverter.SingleToInt32Bits(got[k]));
                Assert.True(ulp <= 2, $"exp({lanes[k]:R}): expected {expected:R}, got {got[k]:R} ({ulp} ulp)");
            }
        }
    }

    [Fact]
    public void Add_EveryLength_EqualsScalarSum()
    {
        var rng = new Random(4);
        for (int n = 0; n <= 256; n++)
        {
            float[] y = TestData.Floats(rng, n);
            float[] x = TestData.Floats(rng, n);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++)
            {
                expected[i] = y[i] + x[i];
            }

            VectorOps.Add(y, x);
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void ArgMax_EveryLengthWithTies_ReturnsFirstLargest()
    {
        var rng = new Random(5);
        Assert.Equal(-1, VectorOps.ArgMax(ReadOnlySpan<float>.Empty));
        for (int n = 1; n <= 256; n++)
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = rng.Next(-20, 20);
            }

            int expected = 0;
            for (int i = 1; i < n; i++)
            {
                if (x[i] > x[expected])
                {
                    expected = i;
                }
            }

            Assert.Equal(expected, VectorOps.ArgMax(x));
        }
    }

    [Theory]
    [InlineData(RopeMode.Normal)]
    [InlineData(RopeMode.NeoX)]
    public void RopeRotate_WithAngles_IsBitIdenticalToApply(RopeMode mode)
    {
        var rng = new Random(16 + (int)mode);
        foreach ((int headDim, int rotary) in new[] { (64, 64), (128, 64), (80, 80), (6, 2) })
        {
            const int heads = 5;
            int position = rng.Next(0, 100_000);
            float[] x = TestData.Floats(rng, heads * headDim, 3f);
            float[] expected = (float[])x.Clone();
            Rope.Apply(expected, heads, headDim, rotary, position, 500000f, mode);
            var cos = new float[rotary / 2];
            var sin = new float[rotary / 2];
            Rope.Angles(position, 500000f, rotary, cos, sin);
            Rope.Rotate(x, heads, headDim, cos, sin, mode);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(x[i]));
            }
        }

        Assert.Throws<ArgumentException>(() => Rope.Rotate(new float[8], 1, 8, new float[5], new float[5], mode));
        Assert.Throws<ArgumentException>(() => Rope.Angles(0, 10000f, 7, new float[4], new float[4]));
    }

    [Fact]
    public void RmsNorm_LengthMismatch_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => VectorOps.RmsNorm(new float[4], new float[3], 1e-5f, new float[4]));

    [Theory]
    [InlineData(RopeMode.Normal)]
    [InlineData(RopeMode.NeoX)]
    public void RopeApply_EveryEvenHeadDim_MatchesDoubleReferenceWithin1e5(RopeMode mode)
    {
        var rng = new Random(6 + (int)mode);
        for (int headDim = 0; headDim <= 256; headDim += 2)
        {
            const int heads = 3;
            int rotary = headDim >= 8 && headDim % 4 == 0 ? headDim / 2 : headDim;
            int position = rng.Next(0, 5000);
            float[] x = TestData.Floats(rng, heads * headDim, 2f);
            float[] y = (float[])x.Clone();
            Rope.Apply(y, heads, headDim, rotary, position, 10000f, mode);
            for (int h = 0; h < heads; h++)
            {
                int o = h * headDim;
                for (int i = 0; i < rotary / 2; i++)
                {
                    double theta = position * Math.Pow(10000.0, -2.0 * i / rotary);
                    int a = mode == RopeMode.Normal ? 2 * i : i;
                    int b = mode == RopeMode.Normal ? (2 * i) + 1 : i + (rotary / 2);
                    double e0 = (x[o + a] * Math.Cos(theta)) - (x[o + b] * Math.Sin(theta));
                    double e1 = (x[o + a] * Math.Sin(theta)) + (x[o + b] * Math.Cos(theta));
                    Close(e0, y[o + a], 0, 1e-5, $"d={headDim} h={h} i={i}");
                    Close(e1, y[o + b], 0, 1e-5, $"d={headDim} h={h} i={i}");
                }

                for (int i = rotary; i < headDim; i++)
                {
                    Assert.Equal(x[o + i], y[o + i]);
                }
            }
        }
    }
}
