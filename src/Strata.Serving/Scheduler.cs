// Continuous batching for one model: one loop admits sequences, runs one forward pass over every active sequence, samples, streams and retires.
using System.Diagnostics;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Serving;

/// <summary>
/// The scheduler of one served model. Its thread owns the runtime, the KV prefix cache and every sequence's state.
/// Each pass: end sequences whose client left or whose deadline passed (their blocks go back at once); admit waiting
/// sequences in priority order while slots and blocks last, reusing cached prefix blocks; put one decode row per
/// decoding sequence and a chunk of prompt rows (the rest of the batch) in one <see cref="ForwardBatch"/>; run it; sample
/// each output; stream; retire finished sequences. When a decoding sequence needs a block and none is free, the
/// lowest-priority, newest sequence is preempted: its blocks are released and it is recomputed later.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly ModelRuntime _runtime;
    private readonly Admission _admission;
    private readonly ServingMetrics _metrics;
    private readonly PrefixCache _cache;
    private readonly ForwardBatch _batch;
    private readonly int _maxRunning;
    private readonly Lock _gate = new();
    private readonly List<ServingSequence> _incoming = [];
    private readonly List<ServingSequence> _waiting = [];      // sorted: priority desc, then arrival
    private readonly List<ServingSequence> _running = [];      // same order
    private readonly List<ServingSequence> _inBatch = [];
    private readonly List<int> _batchTo = [];                   // per _inBatch: KV length after the pass
    private readonly List<ServingSequence> _outputs = [];       // per output row
    private readonly List<int> _hits = [];
    private readonly Dictionary<string, UInt128> _salts = [];
    private readonly Dictionary<Tenant, TenantPasses> _tenantPasses = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _order;
    private long _passes;

    public Scheduler(string name, ModelRuntime runtime, int maxRunning, Admission admission, ServingMetrics metrics)
    {
        Name = name;
        _runtime = runtime;
        _admission = admission;
        _metrics = metrics;
        _maxRunning = maxRunning;
        _cache = new PrefixCache(runtime.KvPool);
        _batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        TotalBlocks = runtime.KvPool.BlockCount;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"strata-scheduler-{name}" };
        _thread.Start();
    }

    public string Name { get; }

    public ModelRuntime Runtime => _runtime;

    // Figures published by the scheduler thread after each pass, read by metrics and health.
    public int UsedBlocks { get; private set; }

    public int CachedIdleBlocks { get; private set; }

    public int TotalBlocks { get; }

    public int Running { get; private set; }

    public int Waiting { get; private set; }

    public long LookupBlocks { get; private set; }

    public long HitBlocks { get; private set; }

    /// <summary>Set when a pass failed unexpectedly (the affected sequences end with an error); null when healthy.</summary>
    public string? LastFault { get; private set; }

    /// <summary>Hands an admitted request to the loop; its events arrive on the returned sequence.</summary>
    public ServingSequence Submit(ServingRequest request)
    {
        var sequence = new ServingSequence(request, Interlocked.Increment(ref _order), _runtime.ContextTokens, _runtime.Model.Spec.VocabSize);
        lock (_gate)
        {
            if (_stopping)
            {
                throw new InvalidOperationException("the server is shutting down");
            }

            _incoming.Add(sequence);
        }

        _wake.Release();
        return sequence;
    }

    /// <summary>Asks the loop to look at cancellations now.</summary>
    public void Poke() => _wake.Release();

    /// <summary>
    /// Ends every sequence now (the drain after a shutdown signal is over) and refuses new ones: sequences that produced
    /// tokens finish with finish_reason "length" and stop reason "shutdown", so their clients get a final event; those
    /// that did not end with an error (503). Safe to call more than once, and after <see cref="Dispose"/>.
    /// </summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            _wake.Release();
        }
    }

    public void Dispose()
    {
        Stop();
        _thread.Join();
        lock (_gate)
        {
            _wake.Dispose();
        }
    }

    private void Loop()
    {
        while (true)
        {
            lock (_gate)
            {
                foreach (var s in _incoming)
                {
                    Insert(_waiting, s);
                }

                _incoming.Clear();
            }

            if (_stopping)
            {
                EndAll("shutdown");
                return;
            }

            Sweep();
            Admit();
            Publish();
            if (_running.Count == 0)
            {
                // Idle: sleep until a submission, a cancellation, or (with sequences waiting on deadlines) a short tick.
                _wake.Wait(_waiting.Count > 0 ? 20 : Timeout.Infinite);
                continue;
            }

            try
            {
                Pass();
            }
#pragma warning disable CA1031 // a failed pass must end its sequences with an error, not kill the loop
            catch (Exception e)
#pragma warning restore CA1031
            {
                LastFault = $"{e.GetType().Name}: {e.Message}";
                foreach (var s in _running.ToArray())
                {
                    Finish(s, "stop", "error", null, $"the forward pass failed: {e.Message}");
                }
            }

            Publish();
        }
    }

    private void Sweep()
    {
        long now = Stopwatch.GetTimestamp();
        for (int pass = 0; pass < 2; pass++)
        {
            var list = pass == 0 ? _waiting : _running;
            for (int i = list.Count - 1; i >= 0; i--)
            {
                var s = list[i];
                if (s.Cancelled)
                {
                    Finish(s, "stop", "client_gone", null, null);
                }
                else if (now > s.DeadlineTicks)
                {
                    Finish(s, "length", "deadline", null, null);
                }
            }
        }
    }

    private void Admit()
    {
        int blockTokens = _cache.BlockTokens;
        while (_running.Count < _maxRunning && _waiting.Count > 0)
        {
            var s = _waiting[0];
            int known = s.TokenCount;
            var salt = Salt(s.Request.Tenant.Name);
            _cache.Match(s.Tokens.AsSpan(0, known), salt, _hits, out var chain);
            // Every known position plus the first new one; while others run, keep one spare block for each of them so
            // an admission does not force the next decode pass to preempt it straight back.
            int needed = ((known + blockTokens) / blockTokens) - _hits.Count;
            if (_cache.AvailableBlocks < needed + _running.Count)
            {
                foreach (int b in _hits)
                {
                    _cache.Free(b);
                }

                break; // head of line waits for blocks; running sequences will free some
            }

            var kv = new SequenceKv(_runtime.KvPool, _runtime.ContextTokens, _cache);
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
            if (!s.LeftQueue)
            {
                s.LeftQueue = true;
                s.FirstScheduledTicks = Stopwatch.GetTimestamp();
                _metrics.QueueTime.Record(Stopwatch.GetElapsedTime(s.Request.ArrivalTicks, s.FirstScheduledTicks).TotalSeconds);
            }
        }
    }

    private void Pass()
    {
        _batch.Clear();
        _inBatch.Clear();
        _batchTo.Clear();
        _outputs.Clear();

        // One decode row per decoding sequence, in priority order; a sequence that cannot get a block preempts the
        // lowest-priority newest one that is not yet in the batch (possibly itself).
        for (int i = 0; i < _running.Count; i++)
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
                Preempt(victim);
                if (victim == s)
                {
                    break;
                }
            }

            if (s.Phase != SequencePhase.Decode)
            {
                i--; // s was removed from _running
                continue;
            }

            _batch.Add(s.Tokens[position], position, s.Kv, wantsLogits: true);
            _inBatch.Add(s);
            _batchTo.Add(position + 1);
            _outputs.Add(s);
        }

        // Prompt chunks fill the rest of the batch.
        for (int i = 0; i < _running.Count && _batch.TokenCount < _batch.Capacity; i++)
        {
            var s = _running[i];
            if (s.Phase != SequencePhase.Prefill)
            {
                continue;
            }

            int from = s.Kv!.Length;
            int to = Math.Min(s.TokenCount, from + (_batch.Capacity - _batch.TokenCount));
            for (int p = from; p < to; p++)
            {
                bool last = p == s.TokenCount - 1;
                _batch.Add(s.Tokens[p], p, s.Kv, wantsLogits: last);
                if (last)
                {
                    _outputs.Add(s);
                }
            }

            _inBatch.Add(s);
            _batchTo.Add(to);
            _metrics.PromptTokens.Add(to - from);
        }

        if (_batch.TokenCount == 0)
        {
            return;
        }

        long id = ++_passes;
        _runtime.Runner.Run(_batch);
        _metrics.BatchSize.Record(_inBatch.Count);
        CountTenantPasses(id);
        for (int k = 0; k < _inBatch.Count; k++)
        {
            var s = _inBatch[k];
            var passes = _tenantPasses[s.Request.Tenant];
            passes.Run ??= new Evidence.BatchRun(passes.Ordinal, passes.Sequences, passes.Rows);
            s.Kv!.Advance(_batchTo[k]);
            if (s.Batches.Count < 4096)
            {
                s.Batches.Add(passes.Run);
            }

            RegisterFullBlocks(s);
        }

        for (int o = 0; o < _outputs.Count; o++)
        {
            Sample(_outputs[o], _runtime.Runner.Logits(o));
        }
    }

    // A request's evidence tells its tenant only the tenant's own facts: the tenant's pass number on this model, and its
    // own sequences and token rows in each pass; the server-wide pass number and other tenants' sequences stay out.
    private void CountTenantPasses(long id)
    {
        for (int k = 0; k < _inBatch.Count; k++)
        {
            var s = _inBatch[k];
            if (!_tenantPasses.TryGetValue(s.Request.Tenant, out var passes))
            {
                passes = new TenantPasses();
                _tenantPasses.Add(s.Request.Tenant, passes);
            }

            if (passes.LastPass != id)
            {
                passes.LastPass = id;
                passes.Ordinal++;
                passes.Sequences = 0;
                passes.Rows = 0;
                passes.Run = null;
            }

            passes.Sequences++;
            passes.Rows += _batchTo[k] - s.Kv!.Length;
        }
    }

    private void Sample(ServingSequence s, ReadOnlySpan<float> logits)
    {
        int bad = LogitCheck.FirstNonFinite(logits);
        if (bad >= 0)
        {
            Finish(s, "stop", "error", null, $"the model produced a non-finite logit (token {bad} is {logits[bad]}): corrupt weights?");
            return;
        }

        var request = s.Request;
        int token = s.Sampler.Sample(logits, s.Tokens.AsSpan(0, s.TokenCount));
        var logprob = request.Logprobs ? Logprobs.For(logits, token, request.TopLogprobs, _runtime.Model.Tokenizer) : null;
        long now = Stopwatch.GetTimestamp();
        if (s.FirstTokenTicks == 0)
        {
            s.FirstTokenTicks = now;
            _metrics.Ttft.Record(Stopwatch.GetElapsedTime(request.ArrivalTicks, now).TotalSeconds);
        }
        else
        {
            double itl = Stopwatch.GetElapsedTime(s.LastTokenTicks, now).TotalMilliseconds;
            s.ItlSumMs += itl;
            s.ItlMaxMs = Math.Max(s.ItlMaxMs, itl);
            _metrics.Itl.Record(itl / 1000.0);
        }

        s.LastTokenTicks = now;
        var tokenizer = _runtime.Model.Tokenizer;
        if (tokenizer.IsEndOfGeneration(token))
        {
            Finish(s, "stop", "eos", null, null);
            return;
        }

        s.Tokens[s.TokenCount++] = token;
        s.Generated++;
        _metrics.GeneratedTokens.Add(1);
        if (s.Text.Append(tokenizer.TokenBytes(token)))
        {
            Finish(s, "stop", "stop_sequence", logprob, null);
        }
        else if (s.Generated >= request.MaxTokens)
        {
            Finish(s, "length", "max_tokens", logprob, null);
        }
        else if (s.Kv!.Length + 1 > _runtime.ContextTokens)
        {
            Finish(s, "length", "context_full", logprob, null);
        }
        else
        {
            s.Emit(new SequenceEvent(s.Text.TakeSafe().ToString(), logprob, null));
            s.Phase = SequencePhase.Decode;
        }
    }

    private void Finish(ServingSequence s, string finishReason, string stopReason, TokenLogprob? lastLogprob, string? error)
    {
        if (s.Phase == SequencePhase.Finished)
        {
            return;
        }

        var rest = s.Text.Finish(stopReason == "stop_sequence");
        if (!rest.IsEmpty || lastLogprob is not null)
        {
            s.Emit(new SequenceEvent(rest.ToString(), lastLogprob, null));
        }

        s.Completion = new SequenceCompletion(finishReason, stopReason, s.Request.PromptTokens.Length, s.Generated, error);
        s.Emit(new SequenceEvent(string.Empty, null, s.Completion));
        s.Complete();
        if (s.Kv is not null)
        {
            s.Kv.Release();
            s.Kv = null;
        }

        if (s.Phase == SequencePhase.Waiting)
        {
            _waiting.Remove(s);
        }
        else
        {
            _running.Remove(s);
        }

        s.Phase = SequencePhase.Finished;
        s.LeftQueue = true;
        _admission.Finished(s.Request.Tenant, Name);
        _metrics.Requests.Add(1, new KeyValuePair<string, object?>("finish_reason", finishReason),
            new KeyValuePair<string, object?>("stop_reason", stopReason));
    }

    private void Preempt(ServingSequence s)
    {
        s.Kv!.Release();
        s.Kv = null;
        s.Phase = SequencePhase.Waiting;
        s.Preemptions++;
        _running.Remove(s);
        Insert(_waiting, s);
    }

    // Full blocks of computed tokens join the prefix cache, chained on the blocks before them.
    private void RegisterFullBlocks(ServingSequence s)
    {
        int blockTokens = _cache.BlockTokens;
        int full = s.Kv!.Length / blockTokens;
        var blocks = s.Kv.Blocks;
        var salt = s.RegisteredBlocks == 0 ? Salt(s.Request.Tenant.Name) : s.ChainHash;
        for (int b = s.RegisteredBlocks; b < full; b++)
        {
            salt = _cache.Register(blocks[b], salt, s.Tokens.AsSpan(b * blockTokens, blockTokens));
        }

        if (full > s.RegisteredBlocks)
        {
            s.RegisteredBlocks = full;
            s.ChainHash = salt;
        }
    }

    private void EndAll(string reason)
    {
        foreach (var s in _running.ToArray())
        {
            EndForShutdown(s, reason);
        }

        foreach (var s in _waiting.ToArray())
        {
            EndForShutdown(s, reason);
        }
    }

    // A sequence with output ends like one cut by max_tokens, so a stream gets its final chunk and [DONE] and a plain
    // request its text; one without output has nothing to give and ends with an error (503).
    private void EndForShutdown(ServingSequence s, string reason)
    {
        if (s.Generated > 0)
        {
            Finish(s, "length", reason, null, null);
        }
        else
        {
            Finish(s, "stop", reason, null, "the server is shutting down");
        }
    }

    private void Publish()
    {
        UsedBlocks = _cache.UsedBlocks;
        CachedIdleBlocks = _cache.CachedIdleBlocks;
        Running = _running.Count;
        Waiting = _waiting.Count;
        LookupBlocks = _cache.LookupBlocks;
        HitBlocks = _cache.HitBlocks;
    }

    private UInt128 Salt(string tenant)
    {
        if (!_salts.TryGetValue(tenant, out var salt))
        {
            salt = PrefixCache.Salt(tenant, Name);
            _salts[tenant] = salt;
        }

        return salt;
    }

    private static void Insert(List<ServingSequence> list, ServingSequence s)
    {
        int i = list.Count;
        while (i > 0 && Before(s, list[i - 1]))
        {
            i--;
        }

        list.Insert(i, s);
    }

    private static bool Before(ServingSequence a, ServingSequence b) =>
        a.Request.Tenant.Config.Priority != b.Request.Tenant.Config.Priority
            ? a.Request.Tenant.Config.Priority > b.Request.Tenant.Config.Priority
            : a.Order < b.Order;
}
