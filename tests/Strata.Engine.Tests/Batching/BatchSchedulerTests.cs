// The batch scheduler on a real 11-block pool, without a model or HTTP: exact block ids through admission, prefix hits,
// eviction, preemption and recompute. A "pass" here is Schedule, then Complete (what ModelStep's run would have filled),
// then a token appended to every sequence that produced logits, as the token step does.
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.KvCache;
using Strata.Engine.Sampling;

namespace Strata.Engine.Tests.Batching;

public sealed class BatchSchedulerTests : IDisposable
{
    private const int BlockTokens = 4;
    private readonly KvBlockPool _pool = new(layers: 1, kvDim: 8, blockTokens: BlockTokens, blockCount: 11);
    private readonly PrefixCache _blocks;
    private readonly ScheduledBatch _plan = new();
    private readonly UInt128 _alpha = PrefixCache.Salt("alpha", "m");
    private long _order;

    public BatchSchedulerTests() => _blocks = new PrefixCache(_pool);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public void Schedule_NewSequences_AdmitInPriorityOrderWithExactBlocks()
    {
        var scheduler = new BatchScheduler(_blocks, maxRunning: 2, batchRows: 16, contextTokens: 32);
        var low = Sequence([1, 2, 3, 4, 5, 6], priority: 0);
        var high = Sequence([7, 8, 9], priority: 5);
        var third = Sequence([10, 11], priority: 0);
        scheduler.Add(low);
        scheduler.Add(high);
        scheduler.Add(third);

        scheduler.Schedule(_plan);
        Assert.Equal([high, low], scheduler.Running);          // two slots: priority first
        Assert.Equal([third], scheduler.Waiting);
        Assert.Equal([0], high.Kv!.Blocks.ToArray());
        Assert.Equal([1, 2], low.Kv!.Blocks.ToArray());
        Assert.Equal([new ScheduledChunk(high, 0, 3, true), new ScheduledChunk(low, 0, 6, true)], _plan.Chunks);
        Assert.Equal(9, _plan.Rows);
        Assert.Equal([high, low], _plan.FirstAdmitted);
    }

    [Fact]
    public void Schedule_DecodeRowsFirst_ThenPromptChunksFillTheBatch()
    {
        var scheduler = new BatchScheduler(_blocks, maxRunning: 3, batchRows: 5, contextTokens: 32);
        var a = Sequence([1, 2], priority: 0);
        scheduler.Add(a);
        Pass(scheduler);                                          // a: prompt, first token sampled
        var b = Sequence([3, 4, 5, 6, 7, 8, 9, 10, 11], priority: 0);
        scheduler.Add(b);

        scheduler.Schedule(_plan);
        Assert.Equal([new ScheduledChunk(a, 2, 3, true), new ScheduledChunk(b, 0, 4, false)], _plan.Chunks); // 1 + 4 rows
        scheduler.Complete(_plan);
        scheduler.Schedule(_plan);
        Assert.Equal(new ScheduledChunk(b, 4, 8, false), _plan.Chunks[1]);
    }

    [Fact]
    public void Schedule_SameTenantPrefix_ReusesTheRegisteredBlocks()
    {
        var scheduler = new BatchScheduler(_blocks, maxRunning: 4, batchRows: 32, contextTokens: 32);
        var first = Sequence([1, 2, 3, 4, 5, 6, 7, 8, 9], priority: 0);
        scheduler.Add(first);
        Pass(scheduler);
        Assert.Equal([0, 1, 2], first.Kv!.Blocks.ToArray());    // 9 positions; blocks 0 and 1 full and registered

        var second = Sequence([1, 2, 3, 4, 5, 6, 7, 8, 42, 43], priority: 0);
        scheduler.Add(second);
        scheduler.Schedule(_plan);
        Assert.Equal([0, 1, 3], second.Kv!.Blocks.ToArray());   // shares 0 and 1, computes from position 8
        Assert.Equal(2, second.HitBlocks);
        Assert.Contains(new ScheduledChunk(second, 8, 10, true), _plan.Chunks);

        var other = new BatchSequence(State([1, 2, 3, 4, 5]), 0, ++_order, PrefixCache.Salt("beta", "m"));
        scheduler.Add(other);
        scheduler.Complete(_plan);
        scheduler.Schedule(_plan);
        Assert.Equal(0, other.HitBlocks);                        // another tenant never reaches alpha's blocks
    }

    [Fact]
    public void Finish_CachedPrefixBlocks_AreEvictedLeastRecentlyUsedFirst()
    {
        var scheduler = new BatchScheduler(_blocks, maxRunning: 1, batchRows: 32, contextTokens: 44);
        var a = Sequence([1, 2, 3, 4, 5], priority: 0);
        scheduler.Add(a);
        Pass(scheduler);
        scheduler.Finish(a);                                     // block 0 cached-idle, block 1 free
        var b = Sequence([6, 7, 8, 9, 10], priority: 0);
        scheduler.Add(b);
        Pass(scheduler);
        Assert.Equal([1, 2], b.Kv!.Blocks.ToArray());
        scheduler.Finish(b);                                     // block 1 cached-idle after block 0
        Assert.Equal(2, _blocks.CachedIdleBlocks);

        // 41 positions need all 11 blocks: the 9 free ones, then block 0 (least recently used), then block 1.
        var big = Sequence([.. Enumerable.Range(100, 41)], priority: 0);
        scheduler.Add(big);
        scheduler.Schedule(_plan);
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1], big.Kv!.Blocks.ToArray());
        Assert.Equal(0, _blocks.CachedIdleBlocks);
    }

    [Fact]
    public void Schedule_PoolExhaustedWhileDecoding_PreemptsTheNewestLowestPriorityAndRecomputesIt()
    {
        var scheduler = new BatchScheduler(_blocks, maxRunning: 2, batchRows: 64, contextTokens: 40);
        var keep = Sequence([.. Enumerable.Range(1, 19)], priority: 1); // 5 blocks
        var victim = Sequence([.. Enumerable.Range(50, 19)], priority: 0); // 5 blocks
        scheduler.Add(keep);
        scheduler.Add(victim);
        Pass(scheduler);                                         // both prefilled, each sampled a 20th token
        Assert.Equal([0, 1, 2, 3, 4], keep.Kv!.Blocks.ToArray());
        Assert.Equal([5, 6, 7, 8, 9], victim.Kv!.Blocks.ToArray());
        Pass(scheduler);                                         // position 19 fits in the 5th block for both
        Pass(scheduler);                                         // position 20: keep takes block 10; victim finds none

        Assert.Equal([victim], _plan.Preempted);
        Assert.Equal(1, victim.Preemptions);
        Assert.Null(victim.Kv);
        Assert.Equal(SequencePhase.Waiting, victim.Phase);
        Assert.Equal([0, 1, 2, 3, 4, 10], keep.Kv!.Blocks.ToArray());
        Assert.Equal([new ScheduledChunk(keep, 20, 21, true)], _plan.Chunks);

        // When keep ends, victim comes back: its 5 registered full blocks (positions 0-19) are found in the cache and only
        // position 20, its last sampled token, is computed again.
        scheduler.Finish(keep);
        scheduler.Schedule(_plan);
        Assert.Equal([victim], scheduler.Running);
        Assert.Equal(5, victim.HitBlocks);
        Assert.Equal([5, 6, 7, 8, 9, 10], victim.Kv!.Blocks.ToArray());
        Assert.Equal([new ScheduledChunk(victim, 20, 21, true)], _plan.Chunks);
        Assert.Empty(_plan.FirstAdmitted);                       // not a first admission: its queue time ended long ago
    }

    private BatchSequence Sequence(int[] prompt, int priority) => new(State(prompt), priority, ++_order, _alpha);

    private static GenerationState State(int[] prompt) =>
        new(prompt, maxTokens: 16, contextTokens: 48, SamplerChain.FromOptions(new SamplerOptions { Temperature = 0 }, 512), null);

    // One pass: schedule, "run", complete, and a token for each sequence whose logits came out (the decode continues).
    private void Pass(BatchScheduler scheduler)
    {
        scheduler.Schedule(_plan);
        scheduler.Complete(_plan);
        foreach (var chunk in _plan.Chunks)
        {
            if (chunk.WantsLogits)
            {
                AppendToken(chunk.Sequence.State, 500);
                BatchScheduler.ContinueDecoding(chunk.Sequence);
            }
        }
    }

    // Greedy on logits that peak at `token`: the token step appends it (stories260K's id 500 is an ordinary piece).
    private static void AppendToken(GenerationState state, int token)
    {
        var logits = new float[512];
        logits[token] = 1;
        var step = TokenStep.Next(state, logits, 0, Model.Value.Tokenizer);
        Assert.Null(step.Stop);
    }

    private static readonly Lazy<Strata.Engine.Artifacts.ModelArtifact> Model = new(() => Strata.Engine.Artifacts.ModelArtifact.Open(SharedModels.File("stories260K.gguf")));
}
