// Bidirectional attention over ragged sequences against a double-precision reference written here.
namespace Strata.Kernels.Tests;

public sealed class EncoderAttentionTests
{
    private static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    [Theory]
    [InlineData(12, 32)]
    [InlineData(3, 13)]
    public void Apply_RaggedSequences_MatchesAReferenceAndNoSequenceSeesAnother(int heads, int headDim)
    {
        int[] starts = [0, 1, 8, 29, 93];
        int tokens = starts[^1], width = heads * headDim;
        float[] q = Random(tokens * width, 1), k = Random(tokens * width, 2), v = Random(tokens * width, 3);
        var output = new float[tokens * width];
        var scores = new float[64];
        float scale = 1f / MathF.Sqrt(headDim);
        int pairs = EncoderAttention.Pairs(starts.Length - 1, heads);
        EncoderAttention.Apply(q, k, v, starts, heads, headDim, scale, output, scores, 0, pairs / 2);
        EncoderAttention.Apply(q, k, v, starts, heads, headDim, scale, output, scores, pairs / 2, pairs - (pairs / 2));

        for (int s = 0; s + 1 < starts.Length; s++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = starts[s]; i < starts[s + 1]; i++)
                {
                    var weights = new double[starts[s + 1] - starts[s]];
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < weights.Length; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                        {
                            dot += (double)q[(i * width) + (h * headDim) + d] * k[((starts[s] + j) * width) + (h * headDim) + d];
                        }

                        weights[j] = dot * scale;
                        max = Math.Max(max, weights[j]);
                    }

                    for (int j = 0; j < weights.Length; j++)
                    {
                        weights[j] = Math.Exp(weights[j] - max);
                        sum += weights[j];
                    }

                    for (int d = 0; d < headDim; d++)
                    {
                        double expected = 0;
                        for (int j = 0; j < weights.Length; j++)
                        {
                            expected += weights[j] / sum * v[((starts[s] + j) * width) + (h * headDim) + d];
                        }

                        float actual = output[(i * width) + (h * headDim) + d];
                        Assert.True(Math.Abs(actual - expected) <= 1e-5, $"seq {s} head {h} row {i} dim {d}: {actual} vs {expected}");
                    }
                }
            }
        }

        // A one-token sequence attends only to itself: its output is its own value.
        Assert.Equal(v.AsSpan(0, width).ToArray(), output.AsSpan(0, width).ToArray());
    }

    [Fact]
    public void Apply_PairsOutsideTheBatchAreRefused() =>
        Assert.Throws<ArgumentException>(() => EncoderAttention.Apply(new float[64], new float[64], new float[64], [0, 2], 2, 16, 0.25f,
            new float[64], new float[8], 1, 2));
}
