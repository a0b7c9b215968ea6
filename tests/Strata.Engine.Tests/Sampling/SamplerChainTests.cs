// Tests of the assembled chain: greedy, seeded reproducibility, distribution frequencies, zero allocation.
using Strata.Engine.Sampling;
using Xunit;

namespace Strata.Engine.Tests.Sampling;

public sealed class SamplerChainTests
{
    internal static float[] RandomLogits(int vocabSize, int seed)
    {
        var random = new Random(seed);
        var logits = new float[vocabSize];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)((random.NextDouble() * 20.0) - 10.0);
        }

        return logits;
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    [Fact]
    public void Greedy_EqualsArgMax()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Temperature = 0f }, 32000);
        for (int row = 0; row < 20; row++)
        {
            var logits = RandomLogits(32000, row);
            Assert.Equal(ArgMax(logits), chain.Sample(logits, ReadOnlySpan<int>.Empty));
        }

        Assert.Equal(["greedy"], chain.Describe());
        Assert.Null(chain.Seed);
    }

    [Fact]
    public void Greedy_Ties_TakeFirstIndex()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Temperature = 0f }, 16);
        var logits = new float[16];
        logits[10] = 3f;
        logits[5] = 3f;
        logits[12] = 3f;
        Assert.Equal(5, chain.Sample(logits, ReadOnlySpan<int>.Empty));
    }

    [Fact]
    public void Greedy_UsesPenalisedLogits()
    {
        var options = new SamplerOptions { Temperature = 0f, RepetitionPenalty = 2f, PenaltyLastN = 8 };
        var chain = SamplerChain.FromOptions(options, 4);
        float[] logits = [1f, 3f, 2f, 0f];
        Assert.Equal(1, chain.Sample(logits, ReadOnlySpan<int>.Empty));
        Assert.Equal(2, chain.Sample(logits, [1]));
        Assert.Equal(["penalties(last_n=8, repeat=2, frequency=0, presence=0)", "greedy"], chain.Describe());
    }

    [Fact]
    public void TopK1_IsGreedy()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { TopK = 1, Temperature = 1.5f, Seed = 3 }, 5000);
        for (int row = 0; row < 20; row++)
        {
            var logits = RandomLogits(5000, 100 + row);
            Assert.Equal(ArgMax(logits), chain.Sample(logits, ReadOnlySpan<int>.Empty));
        }
    }

    private static int[] Draws(SamplerOptions options, float[] logits, int count)
    {
        var chain = SamplerChain.FromOptions(options, logits.Length);
        var draws = new int[count];
        for (int i = 0; i < count; i++)
        {
            draws[i] = chain.Sample(logits, ReadOnlySpan<int>.Empty);
        }

        return draws;
    }

    [Fact]
    public void SameSeed_SameSequence_DifferentSeed_DifferentSequence()
    {
        var logits = RandomLogits(1000, 9);
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] *= 0.3f; // flatten so the top 40 all get real mass
        }

        var first = Draws(new SamplerOptions { Seed = 7 }, logits, 100);
        var second = Draws(new SamplerOptions { Seed = 7 }, logits, 100);
        var other = Draws(new SamplerOptions { Seed = 8 }, logits, 100);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() > 5, "expected a seeded draw to visit several tokens");
    }

    [Fact]
    public void Xoshiro256_KnownSeed_IsStableAcrossRuns()
    {
        // Values are a function of the seed alone; the first outputs are pinned to an independent
        // (Python) implementation of SplitMix64-seeded xoshiro256**, so a change of algorithm is caught.
        var pinned = new Xoshiro256Random(12345);
        Assert.Equal(13720838825685603483UL, pinned.NextUInt64());
        Assert.Equal(2398916695208396998UL, pinned.NextUInt64());
        Assert.Equal(17770384849984869256UL, pinned.NextUInt64());

        var a = new Xoshiro256Random(12345);
        var b = new Xoshiro256Random(12345);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }

        var c = new Xoshiro256Random(0);
        double x = c.NextDouble();
        Assert.InRange(x, 0.0, 1.0);
        Assert.NotEqual(x, c.NextDouble());
    }

    [Fact]
    public void Distribution_FrequenciesMatchSoftmax()
    {
        float[] logits = [1f, 2f, 0.5f, -1f];
        var options = new SamplerOptions { Temperature = 1f, TopK = 0, TopP = 1f, MinP = 0f, Seed = 42 };
        var chain = SamplerChain.FromOptions(options, logits.Length);
        Assert.Equal(["dist(seed=42)"], chain.Describe());

        const int Draws = 20000;
        var counts = new int[logits.Length];
        for (int i = 0; i < Draws; i++)
        {
            counts[chain.Sample(logits, ReadOnlySpan<int>.Empty)]++;
        }

        double sum = logits.Sum(l => Math.Exp(l));
        for (int token = 0; token < logits.Length; token++)
        {
            double expected = Math.Exp(logits[token]) / sum;
            double found = counts[token] / (double)Draws;
            Assert.True(Math.Abs(found - expected) < 0.01, $"token {token}: expected p={expected:F4}, found {found:F4}");
        }
    }

    [Fact]
    public void Temperature_ChangesTheDistribution()
    {
        float[] logits = [1f, 2f, 0.5f, -1f];
        var options = new SamplerOptions { Temperature = 2f, TopK = 0, TopP = 1f, MinP = 0f, Seed = 1 };
        var draws = Draws(options, logits, 20000);
        double sum = logits.Sum(l => Math.Exp(l / 2));
        double expected = Math.Exp(2f / 2) / sum;
        double found = draws.Count(t => t == 1) / 20000.0;
        Assert.True(Math.Abs(found - expected) < 0.01, $"expected p={expected:F4}, found {found:F4}");
    }

    [Fact]
    public void DefaultOptions_DescribeListsStagesInLlamaOrder()
    {
        var options = new SamplerOptions { RepetitionPenalty = 1.1f, Seed = 5 };
        var chain = SamplerChain.FromOptions(options, 100);
        Assert.Equal(
            [
                "penalties(last_n=64, repeat=1.1, frequency=0, presence=0)",
                "top_k(40)",
                "top_p(0.95)",
                "min_p(0.05)",
                "temperature(0.8)",
                "dist(seed=5)",
            ],
            chain.Describe());
        Assert.Equal(5UL, chain.Seed);
    }

    [Fact]
    public void NullSeed_DrawsOneFromTheOs()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions(), 10);
        Assert.NotNull(chain.Seed);
        Assert.Equal($"dist(seed={chain.Seed})", chain.Describe()[^1]);
    }

    [Fact]
    public void Sample_WrongRowLength_NamesExpectedAndFound()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Seed = 1 }, 10);
        var error = Assert.Throws<ArgumentException>(() => chain.Sample(new float[9], ReadOnlySpan<int>.Empty));
        Assert.Contains("10", error.Message);
        Assert.Contains("9", error.Message);
    }

    [Fact]
    public void Sample_NaNLogit_Throws()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Seed = 1 }, 4);
        Assert.Throws<ArgumentException>(() => chain.Sample([0f, float.NaN, 1f, 2f], ReadOnlySpan<int>.Empty));
    }

    [Theory]
    [InlineData(50, float.PositiveInfinity)]
    [InlineData(99, float.NaN)]
    [InlineData(0, float.NaN)]
    public void Sample_BadLogitAnywhere_NamesTokenAndValue(int token, float value)
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Seed = 1 }, 100);
        var logits = new float[100];
        logits[token] = value;
        var error = Assert.Throws<ArgumentException>(() => chain.Sample(logits, ReadOnlySpan<int>.Empty));
        Assert.Contains($"found {value} at token {token}", error.Message);

        logits[token] = float.NegativeInfinity; // -inf masks a token and is allowed
        Assert.NotEqual(token, chain.Sample(logits, ReadOnlySpan<int>.Empty));
    }

    [Fact]
    public void Sample_HistoryTokenOutsideVocabulary_Throws()
    {
        var chain = SamplerChain.FromOptions(new SamplerOptions { Temperature = 0f, RepetitionPenalty = 4f }, 4);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => chain.Sample([0f, 1f, 1f, 2f], [1, 7]));
        Assert.Contains("7", error.Message);

        // The failed call left no stale count for token 1: only token 3 (now 0.5) is penalised.
        Assert.Equal(1, chain.Sample([0f, 1f, 0.5f, 2f], [3]));
    }
}
