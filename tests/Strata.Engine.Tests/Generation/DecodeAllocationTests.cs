// Decode must allocate nothing per token once warm: buffers are planned at load, the sampler and batch reused.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Generation;

[Collection(nameof(AllocationCollection))]
public sealed class DecodeAllocationTests
{
    public static TheoryData<string, float> Cases => new()
    {
        { "stories260K.gguf", 0f },
        { "stories260K.gguf", 0.8f },
        { "synth/ci-d256-l4-q4_k_m.gguf", 0f },
        { "synth/ci-d256-l4-q8_0.gguf", 0.8f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_AfterWarmUp_AllocatesZeroBytesPerToken(string model, float temperature)
    {
        using var runtime = ModelRuntime.Load(SharedModels.File(model), null, new EngineOptions(Threads: 2, ContextTokens: 256));
        var sampling = new SamplerOptions { Temperature = temperature, Seed = 42, RepetitionPenalty = 1.1f };
        using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 200, sampling, ["never-appears"]));
        session.Prefill();
        for (int i = 0; i < 24; i++)
        {
            Assert.True(session.Step(out _, out _));
        }

        int steps = 0;
        long allocated = AllocationMeter.Measure(() =>
        {
            for (steps = 0; steps < 32 && session.Step(out _, out _); steps++)
            {
            }
        });
        Assert.Equal(32, steps);
        Assert.Equal(0, allocated);
    }
}
