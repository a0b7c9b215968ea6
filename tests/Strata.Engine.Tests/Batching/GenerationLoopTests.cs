// The engine's generation loop on the real stories260K model: a sequence cancelled during a token step ends at the next
// iteration with exactly the tokens it had, and a greedy generation through the loop equals the one-sequence session.
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Batching;

public sealed class GenerationLoopTests
{
    private static readonly SamplerOptions Greedy = new() { Temperature = 0 };

    [Fact]
    public async Task Cancel_DuringATokenStep_EndsBeforeTheNextPassWithTheTokensSoFar()
    {
        using var runtime = Load();
        using var loop = new GenerationLoop(runtime, maxRunning: 2).Start();
        int[] prompt = runtime.Model.Tokenizer.Encode("Once upon a time", addSpecial: true);
        var state = new GenerationState(prompt, 400, runtime.ContextTokens, SamplerChain.FromOptions(Greedy, runtime.Model.Spec.VocabSize), null);
        var sequence = new CancelAfter(state, tokens: 3, loop.NextOrder());
        loop.Submit(sequence);
        await foreach (var _ in sequence.Events.ReadAllAsync())
        {
        }

        // Cancelled on the loop's thread while its third token was stepped: no fourth pass ran for it.
        Assert.Equal(StopReason.Cancelled, sequence.Completion?.Reason);
        Assert.Equal(3, sequence.Completion?.CompletionTokens);
        Assert.Equal(0, runtime.KvBlocks.UsedBlocks);
    }

    [Fact]
    public async Task Submit_Greedy_EqualsTheOneSequenceSession()
    {
        using var runtime = Load();
        using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 40, Greedy));
        var expected = session.Run();
        session.Dispose();

        using var loop = new GenerationLoop(runtime, maxRunning: 2).Start();
        var sequence = loop.Submit(expected.PromptTokens, 40, Greedy, null);
        var text = new System.Text.StringBuilder();
        await foreach (var e in sequence.Events.ReadAllAsync())
        {
            text.Append(e.Text);
        }

        Assert.Equal(expected.Text, text.ToString());
        Assert.Equal(StopReason.MaxTokens, sequence.Completion?.Reason);
        Assert.Equal(expected.Tokens, sequence.State.GeneratedTokens.ToArray());
    }

    private static ModelRuntime Load() =>
        ModelRuntime.Load(SharedModels.File("stories260K.gguf"), null, new EngineOptions(Threads: 2, ContextTokens: 512, Sequences: 2, BatchInvariant: true));

    // Asks for its own cancellation from the token-step hook once it holds `tokens` generated ids.
    private sealed class CancelAfter(GenerationState state, int tokens, long order) : LoopSequence(state, 0, order, null)
    {
        protected internal override void OnToken(int token, ReadOnlySpan<float> logits, StopReason? stop)
        {
            if (State.Generated == tokens)
            {
                Cancel();
            }
        }
    }
}
