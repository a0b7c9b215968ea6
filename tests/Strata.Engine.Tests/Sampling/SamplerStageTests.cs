// Tests of individual stages on hand-made candidate lists: exact cuts and hand-computed penalties.
using Strata.Engine.Sampling;
using Xunit;

namespace Strata.Engine.Tests.Sampling;

public sealed class SamplerStageTests
{
    // Token probabilities 0.15, 0.5, 0.1, 0.25 (sum 1), as logits.
    private static readonly float[] HandMade = [MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.1f), MathF.Log(0.25f)];

    private static TokenCandidates Candidates(float[] logits)
    {
        var candidates = new TokenCandidates(logits.Length);
        candidates.Reset(logits);
        return candidates;
    }

    private static int[] SortedIds(TokenCandidates candidates)
    {
        var ids = candidates.Ids.ToArray();
        Array.Sort(ids);
        return ids;
    }

    [Theory]
    [InlineData(0.3f, new[] { 1 })]
    [InlineData(0.7f, new[] { 1, 3 })]
    [InlineData(0.8f, new[] { 0, 1, 3 })]
    [InlineData(0.95f, new[] { 0, 1, 2, 3 })]
    [InlineData(1f, new[] { 0, 1, 2, 3 })]
    public void TopP_KeepsSmallestPrefixReachingP(float p, int[] expected)
    {
        var candidates = Candidates(HandMade);
        new TopPSampler(p).Apply(candidates, ReadOnlySpan<int>.Empty);
        Assert.Equal(expected, SortedIds(candidates));
    }

    [Fact]
    public void TopP_LeavesSurvivorsSortedDescending()
    {
        var candidates = Candidates(HandMade);
        new TopPSampler(0.8f).Apply(candidates, ReadOnlySpan<int>.Empty);
        Assert.True(candidates.Sorted);
        Assert.Equal([1, 3, 0], candidates.Ids.ToArray());
    }

    [Theory]
    [InlineData(0.25f, new[] { 0, 1, 3 })]
    [InlineData(0.4f, new[] { 1, 3 })]
    [InlineData(0.9f, new[] { 1 })]
    [InlineData(0f, new[] { 0, 1, 2, 3 })]
    public void MinP_KeepsTokensAtLeastPTimesTheTop(float p, int[] expected)
    {
        var candidates = Candidates(HandMade);
        new MinPSampler(p).Apply(candidates, ReadOnlySpan<int>.Empty);
        Assert.Equal(expected, SortedIds(candidates));
    }

    [Fact]
    public void TopK_KeepsTheKLargest_MatchesFullSort()
    {
        var random = new Random(5);
        var logits = new float[32000];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)random.NextDouble() * 4f;
        }

        logits[123] = logits[456] = 10f; // a tie: the lower id comes first
        var candidates = Candidates(logits);
        new TopKSampler(40).Apply(candidates, ReadOnlySpan<int>.Empty);

        var expected = Enumerable.Range(0, logits.Length)
            .OrderByDescending(i => logits[i]).ThenBy(i => i).Take(40).ToArray();
        Assert.Equal(expected, candidates.Ids.ToArray());
        Assert.True(candidates.Sorted);
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(logits[expected[i]], candidates.Logits[i]);
        }
    }

    [Fact]
    public void SortDescending_RoundTripsNegativeZeroAndInfinity()
    {
        float[] logits = [-0f, 0f, float.NegativeInfinity, -3.5f, 7.25f, float.MinValue, float.MaxValue, 1e-40f];
        var candidates = Candidates(logits);
        candidates.SortDescending();
        Assert.Equal([6, 4, 7, 1, 0, 3, 5, 2], candidates.Ids.ToArray());
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.Equal(
                BitConverter.SingleToInt32Bits(logits[candidates.Ids[i]]),
                BitConverter.SingleToInt32Bits(candidates.Logits[i]));
        }
    }

    [Fact]
    public void TopP_DeepCut_MatchesReference()
    {
        var random = new Random(8);
        var logits = new float[32000];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)random.NextDouble();
        }

        var candidates = Candidates(logits);
        new TopPSampler(0.5f).Apply(candidates, ReadOnlySpan<int>.Empty);

        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();
        float max = logits[order[0]];
        double sum = logits.Sum(l => (double)MathF.Exp(l - max));
        double cumulative = 0;
        int keep = 0;
        while (cumulative < 0.5)
        {
            cumulative += MathF.Exp(logits[order[keep]] - max) / sum;
            keep++;
        }

        Assert.True(keep > 1000, $"expected a deep cut; found {keep}");
        Assert.Equal(order[..keep], candidates.Ids.ToArray());
    }

    // logits [2, -1, 0.5, 3, -2], history [0, 1, 1, 3, 0, 0], last_n 4 -> window [1, 3, 0, 0]:
    // counts t0=2, t1=1, t3=1; repeat 2, frequency 0.5, presence 0.25.
    private static readonly float[] PenaltyLogits = [2f, -1f, 0.5f, 3f, -2f];
    private static readonly int[] PenaltyHistory = [0, 1, 1, 3, 0, 0];
    private static readonly float[] PenaltyExpected =
    [
        (2f / 2f) - (2 * 0.5f) - 0.25f,   // -0.25
        (-1f * 2f) - 0.5f - 0.25f,        // -2.75
        0.5f,
        (3f / 2f) - 0.5f - 0.25f,         // 0.75
        -2f,
    ];

    [Fact]
    public void Penalties_MatchHandComputed_InVocabularyOrder()
    {
        var candidates = Candidates(PenaltyLogits);
        new PenaltySampler(5, 4, 2f, 0.5f, 0.25f).Apply(candidates, PenaltyHistory);
        Assert.Equal(PenaltyExpected, candidates.Logits.ToArray());
        Assert.False(candidates.Sorted);
    }

    [Fact]
    public void Penalties_MatchHandComputed_AfterReordering()
    {
        var candidates = Candidates(PenaltyLogits);
        candidates.SortDescending();
        var sampler = new PenaltySampler(5, 4, 2f, 0.5f, 0.25f);
        sampler.Apply(candidates, PenaltyHistory);
        for (int i = 0; i < candidates.Count; i++)
        {
            Assert.Equal(PenaltyExpected[candidates.Ids[i]], candidates.Logits[i]);
        }

        // Counts were cleared: a second step with the same history gives the same values again.
        candidates.Reset(PenaltyLogits);
        sampler.Apply(candidates, PenaltyHistory);
        Assert.Equal(PenaltyExpected, candidates.Logits.ToArray());
    }

    [Fact]
    public void Penalties_LastNMinusOne_CoversWholeHistory_ZeroIsOff()
    {
        var all = Candidates(PenaltyLogits);
        new PenaltySampler(5, -1, 1f, 1f, 0f).Apply(all, PenaltyHistory);
        Assert.Equal([2f - 3f, -1f - 2f, 0.5f, 3f - 1f, -2f], all.Logits.ToArray());

        var none = Candidates(PenaltyLogits);
        new PenaltySampler(5, 0, 2f, 1f, 1f).Apply(none, PenaltyHistory);
        Assert.Equal(PenaltyLogits, none.Logits.ToArray());
    }

    [Fact]
    public void Temperature_DividesLogits_KeepsOrder()
    {
        var candidates = Candidates([1f, 4f, -2f]);
        candidates.SortDescending();
        new TemperatureSampler(0.5f).Apply(candidates, ReadOnlySpan<int>.Empty);
        Assert.Equal([8f, 2f, -4f], candidates.Logits.ToArray());
        Assert.True(candidates.Sorted);
    }
}
