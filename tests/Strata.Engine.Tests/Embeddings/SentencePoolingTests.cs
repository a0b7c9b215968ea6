// Pooling against scalar references: every width 0–256 (seeded), masks with padding, normalisation, no allocation.
using Strata.Engine.Embeddings;

namespace Strata.Engine.Tests.Embeddings;

public sealed class SentencePoolingTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void SpanArithmetic_EveryLengthTo256_MatchesScalar()
    {
        var random = new Random(20);
        for (int length = 0; length <= 256; length++)
        {
            float[] x = RandomFloats(random, length);
            float[] y = RandomFloats(random, length);
            float[] vector = (float[])x.Clone();
            float[] scalar = (float[])x.Clone();

            SpanArithmetic.AddInPlace(vector, y);
            SpanArithmetic.AddInPlaceScalar(scalar, y);
            Assert.Equal(scalar, vector);

            SpanArithmetic.Scale(vector, 0.37f);
            SpanArithmetic.ScaleScalar(scalar, 0.37f);
            Assert.Equal(scalar, vector);

            Assert.Equal(SpanArithmetic.DotScalar(x, y), SpanArithmetic.Dot(x, y), Tolerance * Math.Max(1, length));
        }
    }

    [Fact]
    public void MeanPool_MaskWithPadding_AveragesOnlyMaskedTokens()
    {
        var random = new Random(7);
        foreach (int hidden in new[] { 1, 7, 8, 16, 33, 384 })
        {
            const int Tokens = 6;
            float[] states = RandomFloats(random, Tokens * hidden);
            long[] mask = [1, 1, 0, 1, 0, 0];
            var pooled = new float[hidden];

            SentencePooling.MeanPool(states, mask, pooled);

            for (int d = 0; d < hidden; d++)
            {
                double expected = (states[d] + (double)states[hidden + d] + states[(3 * hidden) + d]) / 3;
                Assert.Equal(expected, pooled[d], Tolerance);
            }
        }
    }

    [Fact]
    public void MeanPool_NoMaskedToken_GivesZeros()
    {
        float[] pooled = [9, 9, 9];

        SentencePooling.MeanPool([1, 2, 3, 4, 5, 6], [0, 0], pooled);

        Assert.Equal([0f, 0f, 0f], pooled);
    }

    [Fact]
    public void MeanPool_WrongShape_NamesTheSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => SentencePooling.MeanPool(new float[10], new long[3], new float[4]));

        Assert.Contains("3 tokens × 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void L2Normalize_EveryLengthTo256_UnitNormAndDirectionKept()
    {
        var random = new Random(11);
        for (int length = 1; length <= 256; length++)
        {
            float[] x = RandomFloats(random, length);
            float[] normalized = (float[])x.Clone();

            SentencePooling.L2Normalize(normalized);

            double norm = Math.Sqrt(SpanArithmetic.DotScalar(x, x));
            Assert.Equal(1.0, Math.Sqrt(SpanArithmetic.DotScalar(normalized, normalized)), 1e-5);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(x[i] / norm, normalized[i], Tolerance);
            }
        }
    }

    [Fact]
    public void L2Normalize_ZeroVector_StaysZero()
    {
        float[] zero = new float[5];

        SentencePooling.L2Normalize(zero);

        Assert.All(zero, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cosine_KnownVectors_ExpectedValues()
    {
        Assert.Equal(1f, EmbeddingSimilarity.Cosine([1, 2, 3], [2, 4, 6]), Tolerance);
        Assert.Equal(-1f, EmbeddingSimilarity.Cosine([1, 2, 3], [-1, -2, -3]), Tolerance);
        Assert.Equal(0f, EmbeddingSimilarity.Cosine([1, 0], [0, 5]), Tolerance);
        Assert.Equal(0f, EmbeddingSimilarity.Cosine([0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => EmbeddingSimilarity.Cosine([1, 2], [1, 2, 3]));
    }

    [Fact]
    public void Embed_BatchOfTwo_EachRowPooledAndNormalised()
    {
        var random = new Random(3);
        const int Hidden = 40;
        float[] states = RandomFloats(random, 2 * 3 * Hidden); // (batch 2, sequence 3, hidden 40)
        long[] mask = [1, 1, 1, 1, 0, 0];
        var embeddings = new float[2 * Hidden];

        SentencePooling.Embed(states, mask, embeddings, Hidden);

        var expected = new float[Hidden];
        SentencePooling.MeanPool(states.AsSpan(3 * Hidden, 3 * Hidden), mask.AsSpan(3, 3), expected);
        SentencePooling.L2Normalize(expected);
        Assert.Equal(expected, embeddings[Hidden..]);
        Assert.Equal(states[3 * Hidden] / Math.Sqrt(SpanArithmetic.DotScalar(states.AsSpan(3 * Hidden, Hidden), states.AsSpan(3 * Hidden, Hidden))), embeddings[Hidden], Tolerance);
    }

    private static float[] RandomFloats(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
