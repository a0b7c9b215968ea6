// PaddedAttention against a double-precision reference: lengths off the 8-lane grid, head widths, a key bias that masks
// padding (masked keys get exactly zero weight), and work split into pair ranges.
namespace Strata.Kernels.Tests;

public sealed class PaddedAttentionTests
{
    [Theory]
    [InlineData(1, 1, 1, 8)]
    [InlineData(2, 5, 3, 16)]
    [InlineData(3, 13, 2, 32)]
    [InlineData(2, 64, 4, 24)]
    [InlineData(1, 37, 2, 48)]
    [InlineData(2, 19, 3, 12)]
    public void Apply_MatchesTheReference(int sequences, int length, int heads, int headDim)
    {
        var random = new Random((sequences * 100) + length + headDim);
        int width = heads * headDim, rows = sequences * length;
        float[] q = Random(random, rows * width), k = Random(random, rows * width), v = Random(random, rows * width);
        var bias = new float[rows];
        for (int s = 0; s < sequences; s++)
        {
            for (int j = length - s; j < length; j++)
            {
                bias[(s * length) + Math.Max(j, 1)] = -1e9f; // the last s keys of sequence s are padding (never the first)
            }
        }

        float scale = 1f / MathF.Sqrt(headDim);
        var output = new float[rows * width];
        var scratch = new float[PaddedAttention.ScratchFloats(length, headDim)];
        int pairs = sequences * heads;
        PaddedAttention.Apply(q, k, v, bias, sequences, length, heads, headDim, scale, output, scratch, 0, pairs / 2);
        PaddedAttention.Apply(q, k, v, bias, sequences, length, heads, headDim, scale, output, scratch, pairs / 2, pairs - (pairs / 2));
        for (int s = 0; s < sequences; s++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < length; i++)
                {
                    var weights = new double[length];
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < length; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                        {
                            dot += (double)q[(((s * length) + i) * width) + (h * headDim) + d] * k[(((s * length) + j) * width) + (h * headDim) + d];
                        }

                        weights[j] = (dot * scale) + bias[(s * length) + j];
                        max = Math.Max(max, weights[j]);
                    }

                    for (int j = 0; j < length; j++)
                    {
                        weights[j] = Math.Exp(weights[j] - max);
                        sum += weights[j];
                    }

                    for (int d = 0; d < headDim; d++)
                    {
                        double expected = 0;
                        for (int j = 0; j < length; j++)
                        {
                            expected += weights[j] / sum * v[(((s * length) + j) * width) + (h * headDim) + d];
                        }

                        float actual = output[(((s * length) + i) * width) + (h * headDim) + d];
                        Assert.True(Math.Abs(expected - actual) <= 2e-6, $"sequence {s} head {h} row {i} dim {d}: {actual} vs {expected}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(2, 13, 3, 32)]
    [InlineData(3, 64, 2, 24)]
    public void Apply_PackedRows_SameBitsAsThreeSeparateValues(int sequences, int length, int heads, int headDim)
    {
        // q | k | v side by side in each row (one product's output, FuseQkv's packed form) against the three apart.
        var random = new Random(length + headDim);
        int width = heads * headDim, rows = sequences * length;
        float[] q = Random(random, rows * width), k = Random(random, rows * width), v = Random(random, rows * width);
        var packed = new float[rows * 3 * width];
        for (int r = 0; r < rows; r++)
        {
            q.AsSpan(r * width, width).CopyTo(packed.AsSpan(r * 3 * width));
            k.AsSpan(r * width, width).CopyTo(packed.AsSpan((r * 3 * width) + width));
            v.AsSpan(r * width, width).CopyTo(packed.AsSpan((r * 3 * width) + (2 * width)));
        }

        var bias = new float[rows];
        bias[rows - 1] = -1e9f;
        float scale = 1f / MathF.Sqrt(headDim);
        var scratch = new float[PaddedAttention.ScratchFloats(length, headDim)];
        float[] apart = new float[rows * width], together = new float[rows * width];
        int pairs = sequences * heads;
        PaddedAttention.Apply(q, k, v, bias, sequences, length, heads, headDim, scale, apart, scratch, 0, pairs);
        PaddedAttention.Apply(packed, packed.AsSpan(width), packed.AsSpan(2 * width), 3 * width, bias, sequences, length, heads, headDim, scale, together,
            scratch, 0, pairs);

        Assert.Equal(apart, together);
        Assert.Contains(together, x => x != 0);
    }

    [Fact]
    public void Apply_StrideShorterThanARow_IsRefused()
    {
        float[] buffer = new float[2 * 3 * 8];
        var error = Assert.Throws<ArgumentException>(() =>
            PaddedAttention.Apply(buffer, buffer, buffer, 4, [], 2, 3, 1, 8, 1f, new float[buffer.Length], new float[64], 0, 2));
        Assert.Contains("4 apart", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ScratchTooSmall_IsRefused()
    {
        float[] buffer = new float[2 * 3 * 8];
        var error = Assert.Throws<ArgumentException>(() =>
            PaddedAttention.Apply(buffer, buffer, buffer, [], 2, 3, 1, 8, 1f, new float[buffer.Length], new float[3], 0, 2));
        Assert.Contains("scratch", error.Message, StringComparison.Ordinal);
    }

    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5) * 2;
        }

        return values;
    }
}
