// The serving loop of one model: takes submissions and cancellations, drives the engine's schedule → run → token step,
// streams events and records metrics.
using System.Diagnostics;
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Serving;

/// <summary>
/// The loop of one served model. Its thread owns the runtime and every sequence's state. Each pass: end sequences whose
/// client left or whose deadline passed (their blocks go back at once); let the engine's <see cref="BatchScheduler"/>
/// decide the pass (admission, decode rows, prompt chunks, preemption), run it with <see cref="ModelStep"/>, put each
/// output through <see cref="TokenStep"/> (sampling and every stop rule), stream, and retire finished sequences.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly ModelRuntime _runtime;
    private readonly Admission _admission;
    private readonly ServingMetrics _metrics;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly PrefixCache _cache;
    private readonly BatchScheduler _engine;
    private readonly ModelStep _step;
    private readonly ScheduledBatch _plan = new();
    private readonly Lock _gate = new();
    private readonly List<ServingSequence> _incoming = [];
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
        _modelTag = ServingMetrics.ModelTag(name);
        _cache = runtime.KvBlocks;
        _step = new ModelStep(runtime);
        _engine = new BatchScheduler(_cache, maxRunning, _step.Capacity, runtime.ContextTokens);
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
        var sequence = new ServingSequence(request, Interlocked.Increment(ref _order), _runtime.ContextTokens, _runtime.Model.Spec.VocabSize, Name);
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
    /// tokens finish with stop reason shutdown (finish_reason "length"), so their clients get a final event; those that
    /// did not end with an error (503). Safe to call more than once, and after <see cref="Dispose"/>.
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
                    _engine.Add(s);
                }

                _incoming.Clear();
            }

            if (_stopping)
            {
                EndAll(StopReason.Shutdown);
                return;
            }

            Sweep();
            _engine.Schedule(_plan);
            Publish();
            if (_plan.Rows == 0)
            {
                // Idle: sleep until a submission, a cancellation, or (with sequences waiting on deadlines) a short tick.
                _wake.Wait(_engine.Waiting.Count > 0 ? 20 : Timeout.Infinite);
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
                foreach (var s in ToArray(_engine.Running))
                {
                    Finish(s, StopReason.Error, null, $"the forward pass failed: {e.Message}");
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
            var list = pass == 0 ? _engine.Waiting : _engine.Running;
            for (int i = list.Count - 1; i >= 0; i--)
            {
                var s = (ServingSequence)list[i];
                if (s.Cancelled)
                {
                    Finish(s, StopReason.ClientGone, null, null);
                }
                else if (now > s.DeadlineTicks)
                {
                    Finish(s, StopReason.Deadline, null, null);
                }
            }
        }
    }

    private void Pass()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var admitted in _plan.FirstAdmitted)
        {
            var s = (ServingSequence)admitted;
            s.LeftQueue = true;
            s.FirstScheduledTicks = now;
            _metrics.QueueTime.Record(Stopwatch.GetElapsedTime(s.Request.ArrivalTicks, now).TotalSeconds, _modelTag);
        }

        if (_plan.Rows == 0)
        {
            return;
        }

        _step.Run(_plan);
        _engine.Complete(_plan);
        long id = ++_passes;
        _metrics.BatchSize.Record(_plan.Chunks.Count, _modelTag);
        CountTenantPasses(id);
        foreach (var chunk in _plan.Chunks)
        {
            var s = (ServingSequence)chunk.Sequence;
            var passes = _tenantPasses[s.Request.Tenant];
            passes.Run ??= new Evidence.BatchRun(passes.Ordinal, passes.Sequences, passes.Rows);
            if (s.Batches.Count < 4096)
            {
                s.Batches.Add(passes.Run);
            }

            if (s.Phase == SequencePhase.Prefill)
            {
                _metrics.PromptTokens.Add(chunk.To - chunk.From, _modelTag);
            }
        }

        for (int o = 0; o < _step.Outputs.Count; o++)
        {
            Sample((ServingSequence)_step.Outputs[o], _step.Logits(o));
        }
    }

    // A request's evidence tells its tenant only the tenant's own facts: the tenant's pass number on this model, and its
    // own sequences and token rows in each pass; the server-wide pass number and other tenants' sequences stay out.
    private void CountTenantPasses(long id)
    {
        foreach (var chunk in _plan.Chunks)
        {
            var tenant = ((ServingSequence)chunk.Sequence).Request.Tenant;
            if (!_tenantPasses.TryGetValue(tenant, out var passes))
            {
                passes = new TenantPasses();
                _tenantPasses.Add(tenant, passes);
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
            passes.Rows += chunk.To - chunk.From;
        }
    }

    private void Sample(ServingSequence s, ReadOnlySpan<float> logits)
    {
        var request = s.Request;
        var step = TokenStep.Next(s.State, logits, s.Kv!.Length, _runtime.Model.Tokenizer);
        int token = step.Token;
        if (step.Stop == StopReason.Error)
        {
            Finish(s, StopReason.Error, null, $"the model produced a non-finite logit (token {token} is {logits[token]}): corrupt weights?");
            return;
        }

        var logprob = request.Logprobs ? Logprobs.For(logits, token, request.TopLogprobs, _runtime.Model.Tokenizer) : null;
        long now = Stopwatch.GetTimestamp();
        if (s.FirstTokenTicks == 0)
        {
            s.FirstTokenTicks = now;
            _metrics.Ttft.Record(Stopwatch.GetElapsedTime(request.ArrivalTicks, now).TotalSeconds, _modelTag);
        }
        else
        {
            double itl = Stopwatch.GetElapsedTime(s.LastTokenTicks, now).TotalMilliseconds;
            s.ItlSumMs += itl;
            s.ItlMaxMs = Math.Max(s.ItlMaxMs, itl);
            _metrics.Itl.Record(itl / 1000.0, _modelTag);
        }

        s.LastTokenTicks = now;
        if (step.Stop == StopReason.EndOfSequence)
        {
            Finish(s, StopReason.EndOfSequence, null, null);
            return;
        }

        _metrics.GeneratedTokens.Add(1, _modelTag);
        if (step.Stop is { } stop)
        {
            Finish(s, stop, logprob, null);
        }
        else
        {
            s.Emit(new SequenceEvent(s.Text.TakeSafe().ToString(), logprob, null));
            BatchScheduler.ContinueDecoding(s);
        }
    }

    private void Finish(ServingSequence s, StopReason reason, TokenLogprob? lastLogprob, string? error)
    {
        if (s.Phase == SequencePhase.Finished)
        {
            return;
        }

        var rest = s.State.FinishText(reason);
        if (!rest.IsEmpty || lastLogprob is not null)
        {
            s.Emit(new SequenceEvent(rest.ToString(), lastLogprob, null));
        }

        s.Completion = new SequenceCompletion(reason, s.Request.PromptTokens.Length, s.Generated, error);
        s.Emit(new SequenceEvent(string.Empty, null, s.Completion));
        _engine.Finish(s);
        s.Complete();
        s.LeftQueue = true;

        _admission.Finished(s.Request.Tenant, Name);
        var stopTag = new KeyValuePair<string, object?>("stop_reason", s.Completion.StopName);
        _metrics.Requests.Add(1, _modelTag, new KeyValuePair<string, object?>("finish_reason", s.Completion.FinishReason), stopTag);
        _metrics.RequestDuration.Record(Stopwatch.GetElapsedTime(s.Request.ArrivalTicks).TotalSeconds, _modelTag, stopTag);
    }

    private void EndAll(StopReason reason)
    {
        foreach (var s in ToArray(_engine.Running))
        {
            EndForShutdown(s, reason);
        }

        foreach (var s in ToArray(_engine.Waiting))
        {
            EndForShutdown(s, reason);
        }
    }

    // A sequence with output ends like one cut by a limit, so a stream gets its final chunk and [DONE] and a plain
    // request its text; one without output has nothing to give and ends with an error (503).
    private void EndForShutdown(ServingSequence s, StopReason reason) =>
        Finish(s, reason, null, s.Generated > 0 ? null : "the server is shutting down");

    private void Publish()
    {
        UsedBlocks = _cache.UsedBlocks;
        CachedIdleBlocks = _cache.CachedIdleBlocks;
        Running = _engine.Running.Count;
        Waiting = _engine.Waiting.Count;
        LookupBlocks = _cache.LookupBlocks;
        HitBlocks = _cache.HitBlocks;
    }

    private static ServingSequence[] ToArray(IReadOnlyList<BatchSequence> list)
    {
        var copy = new ServingSequence[list.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = (ServingSequence)list[i];
        }

        return copy;
    }
}
