// A constrained token step allocates nothing once its grammar's states and masks are cached.
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Grammar;

[Collection(nameof(AllocationCollection))]
public sealed class GrammarAllocationTests
{
    [Theory]
    [InlineData("stories260K.gguf", 0f)]
    [InlineData("stories260K.gguf", 0.8f)]
    [InlineData("llama-2-tiny-random.gguf", 0.8f)]
    public void Step_GrammarStatesCached_AllocatesZeroBytesPerToken(string model, float temperature)
    {
        using var runtime = ModelRuntime.Load(SharedModels.File(model), null, new EngineOptions(Threads: 2, ContextTokens: 256));
        var grammar = JsonSchemaGrammar.Compile(
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":12},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},\"maxItems\":6},"
            + "\"n\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":900}},\"required\":[\"name\",\"tags\",\"n\"]}");
        var request = new GenerationRequest("Once upon a time", 200, new SamplerOptions { Temperature = temperature, Seed = 42 }, Grammar: grammar);
        using (var warm = new GenerationSession(runtime, request))
        {
            warm.Run(); // the same seed walks the same states: afterwards every transition and mask is cached
        }

        using var session = new GenerationSession(runtime, request);
        session.Prefill();
        Assert.True(session.Step(out _, out _));
        int steps = 0;
        long allocated = AllocationMeter.Measure(() =>
        {
            for (steps = 0; steps < 200 && session.Step(out _, out _); steps++)
            {
            }
        });

        Assert.True(steps >= 8, $"only {steps} steps");
        Assert.Equal(StopReason.GrammarComplete, session.StopReason);
        Assert.Equal(0, allocated);
    }
}
