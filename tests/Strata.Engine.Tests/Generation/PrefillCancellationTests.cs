// Cancellation reaches a long prompt's prefill between chunks: Ctrl+C during a long prompt ends it within one chunk.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Generation;

public sealed class PrefillCancellationTests
{
    // About 3000 tokens: 47 chunks of 64, seconds of prefill on two threads.
    private static readonly string LongPrompt = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 250));

    private static ModelRuntime Load() =>
        ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q8_0.gguf"), null, new EngineOptions(Threads: 2, ContextTokens: 4096));

    [Fact]
    public void Run_TokenCancelledBeforeTheFirstChunk_EvaluatesNothingAndStopsCancelled()
    {
        using var runtime = Load();
        using var session = new GenerationSession(runtime, new GenerationRequest(LongPrompt, 8, new SamplerOptions { Temperature = 0 }));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var result = session.Run(cancellation: cancel.Token);
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(0, session.EvaluatedTokens);
        Assert.Empty(result.Tokens);
    }

    [Fact]
    public async Task Run_TokenCancelledDuringALongPrefill_ReturnsBeforeThePromptIsDone()
    {
        using var runtime = Load();
        using var session = new GenerationSession(runtime, new GenerationRequest(LongPrompt, 8, new SamplerOptions { Temperature = 0 }));
        Assert.True(session.PromptTokens.Length > 2500, $"prompt of {session.PromptTokens.Length} tokens is too short for the test");
        using var cancel = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var run = Task.Run(() =>
        {
            started.Set();
            return session.Run(cancellation: cancel.Token);
        });
        started.Wait();
        cancel.Cancel(); // the whole prompt takes seconds; one chunk of 64 takes milliseconds
        var result = await run;
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.True(session.EvaluatedTokens < session.PromptTokens.Length,
            $"the prefill ran to the end ({session.EvaluatedTokens} of {session.PromptTokens.Length} positions) after the cancellation");
        Assert.Empty(result.Tokens);
    }
}
