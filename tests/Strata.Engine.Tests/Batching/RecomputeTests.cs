// Preemption and recompute on the real stories260K model with batch invariance on: a sequence whose blocks are taken back
// and later recomputed gets the exact block ids the allocator's order predicts, and logits for its next token that are
// bit for bit those of the same sequence run without preemption.
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Batching;

public sealed class RecomputeTests
{
    private const int PromptTokens = 10;
    private const int Generated = 12;
    private static readonly SamplerOptions Greedy = new() { Temperature = 0 };

    // Three blocks of 16 positions, two sequences of 10-token prompts: each holds one block until its 17th position. At
    // position 16 the higher-priority `keep` takes the last free block (2) and `victim` is preempted with 7 generated
    // tokens (17 known, 16 in its KV). When keep ends, victim is admitted again:
    // - without prefix caching its blocks were freed: keep's release pushes 0 then 2 on the free stack, so victim pops
    //   2 then 0 and recomputes all 17 positions;
    // - with it, its full block 1 (positions 0-15) stayed cached: victim adopts 1, pops keep's unregistered block 2 and
    //   recomputes only position 16, the token it sampled last.
    [Theory]
    [InlineData(false, new[] { 2, 0 }, 0)]
    [InlineData(true, new[] { 1, 2 }, 16)]
    public void Schedule_PreemptedSequenceRecomputed_ExactBlocksAndLogitsBitIdenticalToNoPreemption(bool prefixCaching, int[] blocksAfter, int recomputeFrom)
    {
        using var runtime = ModelRuntime.Load(SharedModels.File("stories260K.gguf"), null,
            new EngineOptions(Threads: 2, ContextTokens: 64, Sequences: 2, KvBlocks: 3, BatchInvariant: true));
        var tokenizer = runtime.Model.Tokenizer;
        int[] keepPrompt = tokenizer.Encode("Once upon a time, there was a little girl named Lily", addSpecial: true)[..PromptTokens];
        int[] victimPrompt = tokenizer.Encode("One day, a big dog went to the park to play with a ball", addSpecial: true)[..PromptTokens];
        UInt128? salt = prefixCaching ? PrefixCache.Salt("alpha", "stories") : null;
        var run = new Run(runtime);
        var keep = new BatchSequence(State(runtime, keepPrompt), priority: 1, order: 1, salt);
        var victim = new BatchSequence(State(runtime, victimPrompt), priority: 0, order: 2, salt);
        run.Scheduler.Add(keep);
        run.Scheduler.Add(victim);

        for (int pass = 1; pass <= 7; pass++)
        {
            run.Pass();                                           // prefill, then positions 10-15 in the first block
        }

        Assert.Equal([0], keep.Kv!.Blocks.ToArray());
        Assert.Equal([1], victim.Kv!.Blocks.ToArray());
        run.Pass();                                               // position 16: keep takes block 2, victim finds none
        Assert.Equal([victim], run.Plan.Preempted);
        Assert.Equal([0, 2], keep.Kv!.Blocks.ToArray());
        Assert.Null(victim.Kv);
        Assert.Equal(7, victim.State.Generated);

        run.Scheduler.Finish(keep);
        run.Pass();
        Assert.Equal(blocksAfter, victim.Kv!.Blocks.ToArray());
        Assert.Equal([new ScheduledChunk(victim, recomputeFrom, PromptTokens + 7, WantsLogits: true)], run.Plan.Chunks);
        while (victim.State.Generated < Generated)
        {
            run.Pass();
        }

        run.Scheduler.Finish(victim);

        // The same prompt alone, never preempted.
        var alone = new Run(runtime);
        var reference = new BatchSequence(State(runtime, victimPrompt), priority: 0, order: 3, prefixSalt: null);
        alone.Scheduler.Add(reference);
        while (reference.State.Generated < Generated)
        {
            alone.Pass();
        }

        Assert.Equal(reference.State.GeneratedTokens.ToArray(), victim.State.GeneratedTokens.ToArray());
        var recomputed = run.Logits[victim];
        var expected = alone.Logits[reference];
        Assert.Equal(Generated, recomputed.Count);
        for (int token = 0; token < Generated; token++)
        {
            // Bitwise: with batch invariance a row's logits do not depend on its batch, its chunk or a recompute.
            Assert.True(recomputed[token].AsSpan().SequenceEqual(expected[token]), $"the logits of generated token {token} differ from the run without preemption");
        }
    }

    private static GenerationState State(ModelRuntime runtime, int[] prompt) =>
        new(prompt, maxTokens: 32, runtime.ContextTokens, SamplerChain.FromOptions(Greedy, runtime.Model.Spec.VocabSize), null);

    // Schedule, model step, complete, then the token step for every output, keeping a copy of each sequence's logits.
    private sealed class Run(ModelRuntime runtime)
    {
        private readonly ModelStep _step = new(runtime);

        public BatchScheduler Scheduler { get; } = new(runtime.KvBlocks, maxRunning: 2, batchRows: 64, runtime.ContextTokens);

        public ScheduledBatch Plan { get; } = new();

        public Dictionary<BatchSequence, List<float[]>> Logits { get; } = [];

        public void Pass()
        {
            Scheduler.Schedule(Plan);
            _step.Run(Plan);
            Scheduler.Complete(Plan);
            for (int o = 0; o < _step.Outputs.Count; o++)
            {
                var s = _step.Outputs[o];
                var logits = _step.Logits(o);
                if (!Logits.TryGetValue(s, out var list))
                {
                    Logits[s] = list = [];
                }

                list.Add(logits.ToArray());
                var result = TokenStep.Next(s.State, logits, s.Kv!.Length, runtime.Model.Tokenizer);
                Assert.Null(result.Stop);
                BatchScheduler.ContinueDecoding(s);
            }
        }
    }
}
