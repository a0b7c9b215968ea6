// Continuous batching's decisions: admission by priority while slots and KV blocks last, prefix-cache hits, decode rows,
// prompt chunks and preemption — returned as plain data, run by ModelStep.
using Strata.Engine.KvCache;

namespace Strata.Engine.Batching;

/// <summary>
/// Decides each pass of a continuous batch. <see cref="Schedule"/> admits waiting sequences in priority order while
/// running slots and KV blocks last (taking cached prefix blocks instead of computing them), gives every decoding
/// sequence one row, then fills the rest of the batch with prompt chunks. When a decoding sequence needs a block and none
/// is free, the lowest-priority, newest running sequence is preempted: its blocks are released and it waits to be
/// recomputed. Not thread-safe: the thread that runs the model owns it.
/// </summary>
public sealed class BatchScheduler
{
    private readonly PrefixCache _blocks;
    private readonly int _maxRunning;
    private readonly int _batchRows;
    private readonly int _contextTokens;
    private readonly List<BatchSequence> _waiting = []; // sorted: priority desc, then arrival
    private readonly List<BatchSequence> _running = []; // same order
    private readonly List<int> _hits = [];

    /// <summary>A scheduler over <paramref name="blocks"/>.</summary>
    /// <param name="blocks">the KV block allocator (with its prefix cache)</param>
    /// <param name="maxRunning">sequences that may run at once</param>
    /// <param name="batchRows">rows in one pass (decode rows plus prompt rows)</param>
    /// <param name="contextTokens">positions one sequence may hold</param>
    public BatchScheduler(PrefixCache blocks, int maxRunning, int batchRows, int contextTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRunning, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        _blocks = blocks;
        _maxRunning = maxRunning;
        _batchRows = batchRows;
        _contextTokens = contextTokens;
    }

    /// <summary>Sequences waiting for a slot, in scheduling order.</summary>
    public IReadOnlyList<BatchSequence> Waiting => _waiting;

    /// <summary>Sequences running, in scheduling order.</summary>
    public IReadOnlyList<BatchSequence> Running => _running;

    /// <summary>Queues a new sequence.</summary>
    public void Add(BatchSequence sequence)
    {
        sequence.Phase = SequencePhase.Waiting;
        Insert(_waiting, sequence);
    }

    /// <summary>Ends a sequence wherever it is: its blocks go back (a registered prefix stays cached) and it leaves the lists.</summary>
    public void Finish(BatchSequence sequence)
    {
        if (sequence.Phase == SequencePhase.Finished)
        {
            return;
        }

        sequence.Kv?.Release();
        sequence.Kv = null;
        if (!_waiting.Remove(sequence))
        {
            _running.Remove(sequence);
        }

        sequence.Phase = SequencePhase.Finished;
    }

    /// <summary>
    /// After the pass of <paramref name="plan"/> ran: each sequence's KV now holds its chunk's positions, and its newly
    /// full blocks join the prefix cache, chained on the blocks before them.
    /// </summary>
    public void Complete(ScheduledBatch plan)
    {
        foreach (var chunk in plan.Chunks)
        {
            chunk.Sequence.Kv!.Advance(chunk.To);
            RegisterFullBlocks(chunk.Sequence);
        }
    }

    /// <summary>Marks a sequence whose token step continued as decoding: its next pass computes one row.</summary>
    public static void ContinueDecoding(BatchSequence sequence) => sequence.Phase = SequencePhase.Decode;

    /// <summary>Decides the next pass into <paramref name="plan"/> (cleared first); no rows when nothing can run.</summary>
    public void Schedule(ScheduledBatch plan)
    {
        plan.Clear();
        Admit(plan);
        DecodeRows(plan);
        PromptChunks(plan);
    }

    private void Admit(ScheduledBatch plan)
    {
        int blockTokens = _blocks.BlockTokens;
        while (_running.Count < _maxRunning && _waiting.Count > 0)
        {
            var s = _waiting[0];
            int known = s.State.Count;
            var chain = UInt128.Zero;
            if (s.PrefixSalt is { } salt)
            {
                _blocks.Match(s.State.Tokens.AsSpan(0, known), salt, _hits, out chain);
            }
            else
            {
                _hits.Clear();
            }

            // Every known position plus the first new one; while others run, keep one spare block for each of them so
            // an admission does not force the next decode pass to preempt it straight back.
            int needed = ((known + blockTokens) / blockTokens) - _hits.Count;
            if (_blocks.AvailableBlocks < needed + _running.Count)
            {
                ReleaseHits();
                break; // head of line waits for blocks; running sequences will free some
            }

            var kv = new SequenceKv(_blocks, _contextTokens);
            foreach (int b in _hits)
            {
                kv.AdoptFilled(b);
            }

            if (!kv.TryReserve(known))
            {
                kv.Release();
                break;
            }

            s.Kv = kv;
            s.HitBlocks += _hits.Count;
            s.RegisteredBlocks = _hits.Count;
            s.ChainHash = chain;
            s.Phase = SequencePhase.Prefill;
            _waiting.RemoveAt(0);
            Insert(_running, s);
            if (!s.EverScheduled)
            {
                s.EverScheduled = true;
                plan.FirstAdmitted.Add(s);
            }
        }
    }

    private void ReleaseHits()
    {
        foreach (int b in _hits)
        {
            _blocks.Free(b);
        }

        _hits.Clear();
    }

    // One row per decoding sequence, in priority order; a sequence that cannot get a block preempts the lowest-priority
    // newest running one not yet in the batch (possibly itself).
    private void DecodeRows(ScheduledBatch plan)
    {
        for (int i = 0; i < _running.Count && plan.Rows < _batchRows; i++)
        {
            var s = _running[i];
            if (s.Phase != SequencePhase.Decode)
            {
                continue;
            }

            int position = s.Kv!.Length;
            while (!s.Kv.TryReserve(position + 1))
            {
                var victim = _running[^1];
                Preempt(victim, plan);
                if (victim == s)
                {
                    break;
                }
            }

            if (s.Phase != SequencePhase.Decode)
            {
                i--; // s left _running
                continue;
            }

            plan.Chunks.Add(new ScheduledChunk(s, position, position + 1, WantsLogits: true));
            plan.Rows++;
        }
    }

    // Prompt chunks fill the rest of the batch; only a chunk that reaches the last known token wants logits.
    private void PromptChunks(ScheduledBatch plan)
    {
        for (int i = 0; i < _running.Count && plan.Rows < _batchRows; i++)
        {
            var s = _running[i];
            if (s.Phase != SequencePhase.Prefill)
            {
                continue;
            }

            int from = s.Kv!.Length;
            int to = Math.Min(s.State.Count, from + (_batchRows - plan.Rows));
            plan.Chunks.Add(new ScheduledChunk(s, from, to, WantsLogits: to == s.State.Count));
            plan.Rows += to - from;
        }
    }

    private void RegisterFullBlocks(BatchSequence s)
    {
        if (s.PrefixSalt is not { } salt)
        {
            return;
        }

        int blockTokens = _blocks.BlockTokens;
        int full = s.Kv!.Length / blockTokens;
        var blocks = s.Kv.Blocks;
        var parent = s.RegisteredBlocks == 0 ? salt : s.ChainHash;
        for (int b = s.RegisteredBlocks; b < full; b++)
        {
            parent = _blocks.Register(blocks[b], parent, s.State.Tokens.AsSpan(b * blockTokens, blockTokens));
        }

        if (full > s.RegisteredBlocks)
        {
            s.RegisteredBlocks = full;
            s.ChainHash = parent;
        }
    }

    private void Preempt(BatchSequence s, ScheduledBatch plan)
    {
        s.Kv!.Release();
        s.Kv = null;
        s.Phase = SequencePhase.Waiting;
        s.Preemptions++;
        _running.Remove(s);
        Insert(_waiting, s);
        plan.Preempted.Add(s);
    }

    private static void Insert(List<BatchSequence> list, BatchSequence s)
    {
        int i = list.Count;
        while (i > 0 && Before(s, list[i - 1]))
        {
            i--;
        }

        list.Insert(i, s);
    }

    private static bool Before(BatchSequence a, BatchSequence b) =>
        a.Priority != b.Priority ? a.Priority > b.Priority : a.Order < b.Order;
}
