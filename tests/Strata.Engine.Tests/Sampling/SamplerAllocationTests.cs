// The sampler chain allocates nothing per token once warm, in every configuration.
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Sampling;

[Collection(nameof(AllocationCollection))]
public sealed class SamplerAllocationTests
{
    public static TheoryData<SamplerOptions> AllocationCases() =>
    [
        new SamplerOptions { Seed = 11, RepetitionPenalty = 1.1f, FrequencyPenalty = 0.1f, PresencePenalty = 0.2f },
        new SamplerOptions { Seed = 12, TopK = 0, RepetitionPenalty = 1.1f },
        new SamplerOptions { Seed = 13, TopK = 0, TopP = 1f, MinP = 0f },
        new SamplerOptions { Temperature = 0f, RepetitionPenalty = 1.3f },
    ];

    [Theory]
    [MemberData(nameof(AllocationCases))]
    public void Sample_AfterWarmUp_AllocatesNothing(SamplerOptions options)
    {
        const int Vocab = 32000;
        var chain = SamplerChain.FromOptions(options, Vocab);
        var logits = SamplerChainTests.RandomLogits(Vocab, 77);
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] *= 0.2f; // flat: top-p has to look deep, exercising the widening selection
        }

        var history = new int[200];
        for (int i = 0; i < history.Length; i++)
        {
            history[i] = (i * 7919) % Vocab;
        }

        for (int i = 0; i < 20; i++)
        {
            chain.Sample(logits, history);
        }

        int checksum = 0;
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                checksum += chain.Sample(logits, history.AsSpan(0, 100 + i));
            }
        });
        Assert.True(checksum >= 0);
        Assert.Equal(0, allocated);
    }
}
