// Sampling under a token mask equals sampling with the masked tokens' logits at -infinity, for every default chain.
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Sampling;

public sealed class MaskedSamplingTests
{
    public static TheoryData<float, int, float, float, float> Chains => new()
    {
        { 0f, 0, 1f, 0f, 1f },
        { 0.8f, 40, 0.95f, 0.05f, 1f },
        { 1.5f, 0, 1f, 0f, 1.1f },
        { 0.7f, 5, 0.5f, 0.1f, 1.3f },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Sample_WithMask_EqualsSamplingWithMaskedLogitsAtMinusInfinity(float temperature, int topK, float topP, float minP, float repeat)
    {
        const int Vocab = 300;
        var random = new Random(17);
        var options = new SamplerOptions { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, RepetitionPenalty = repeat, Seed = 9 };
        var masked = SamplerChain.FromOptions(options, Vocab);
        var reference = SamplerChain.FromOptions(options, Vocab);
        int[] history = [3, 5, 7, 5];
        for (int trial = 0; trial < 200; trial++)
        {
            var logits = new float[Vocab];
            var mask = new ulong[(Vocab + 63) / 64];
            var minusInfinity = new float[Vocab];
            for (int t = 0; t < Vocab; t++)
            {
                logits[t] = (float)((random.NextDouble() * 10) - 5);
                bool allowed = random.Next(trial % 7 + 2) == 0 || t == trial;
                if (allowed)
                {
                    mask[t >> 6] |= 1UL << (t & 63);
                }

                minusInfinity[t] = allowed ? logits[t] : float.NegativeInfinity;
            }

            int withMask = masked.Sample(logits, history, mask);
            Assert.Equal(reference.Sample(minusInfinity, history), withMask);
            Assert.NotEqual(0UL, mask[withMask >> 6] & (1UL << (withMask & 63)));
            Assert.Equal(reference.Sample(logits, history), masked.Sample(logits, history)); // the unmasked path is untouched
        }
    }

    [Fact]
    public void ResetAllowed_NoTokenAllowed_Throws()
    {
        var candidates = new TokenCandidates(10);

        Assert.Throws<InvalidOperationException>(() => candidates.ResetAllowed(new float[10], new ulong[1]));
    }
}
