// The serving side of one model's generation loop: submissions from the HTTP handlers, and what the server records of
// each pass and token (metrics, per-tenant passes, logprobs, admission release).
using Strata.Engine.Batching;
using Strata.Engine.Chat;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;

namespace Strata.Serving;

/// <summary>
/// One served model: the engine's <see cref="GenerationLoop"/> (the same schedule → model step → token step path as
/// <c>strata generate</c> and the in-process chat client) plus the server's bookkeeping. Each pass the loop ends
/// sequences whose client left or whose deadline passed (<see cref="ServingSequence"/>'s hooks), so their KV blocks
/// return at once. Every time it records (queue, TTFT, ITL, duration, deadlines) comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly GenerationLoop _loop;
    private readonly Admission _admission;
    private readonly ServingMetrics _metrics;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly TenantPassLedger _tenantPasses = new();

    public Scheduler(string name, ModelRuntime runtime, int maxRunning, Admission admission, ServingMetrics metrics, TimeProvider time)
    {
        Name = name;
        Time = time;
        Runtime = runtime;
        Chat = ModelChat.For(runtime.Model, time);
        _admission = admission;
        _metrics = metrics;
        _modelTag = ServingMetrics.ModelTag(name);
        TotalBlocks = runtime.KvPool.BlockCount;
        _loop = new GenerationLoop(runtime, maxRunning, $"strata-scheduler-{name}", time)
        {
            PassRan = PassRan,
            PassFailed = e => LastFault = $"{e.GetType().Name}: {e.Message}",
        }.Start();
    }

    public string Name { get; }

    public ModelRuntime Runtime { get; }

    /// <summary>The model's chat template, tool-call format and answer grammars.</summary>
    public ModelChat Chat { get; }

    /// <summary>The server's clock: request arrivals, deadlines and the loop's timestamps are all of it.</summary>
    public TimeProvider Time { get; }

    // Figures the loop publishes after each pass, read by metrics and health.
    public int UsedBlocks => _loop.UsedBlocks;

    public int CachedIdleBlocks => _loop.CachedIdleBlocks;

    public int TotalBlocks { get; }

    public int Running => _loop.Running;

    public int Waiting => _loop.Waiting;

    public long LookupBlocks => _loop.LookupBlocks;

    public long HitBlocks => _loop.HitBlocks;

    /// <summary>Set when a pass failed unexpectedly (the affected sequences end with an error); null when healthy.</summary>
    public string? LastFault { get; private set; }

    /// <summary>Hands an admitted request to the loop; its events arrive on the returned sequence.</summary>
    /// <exception cref="InvalidOperationException">the server is shutting down</exception>
    public ServingSequence Submit(ServingRequest request)
    {
        var sequence = new ServingSequence(request, _loop.NextOrder(), Runtime.ContextTokens, Runtime.Model.Spec.VocabSize, this);
        try
        {
            _loop.Submit(sequence);
        }
        catch (ObjectDisposedException e)
        {
            throw new InvalidOperationException("the server is shutting down", e);
        }

        return sequence;
    }

    /// <summary>Asks the loop to look at cancellations now.</summary>
    public void Poke() => _loop.Poke();

    /// <summary>
    /// Ends every sequence now (the drain after a shutdown signal is over) and refuses new ones: sequences that produced
    /// tokens finish with stop reason shutdown (finish_reason "length"), so their clients get a final event; those that
    /// did not end with an error (503). Safe to call more than once, and after <see cref="Dispose"/>.
    /// </summary>
    public void Stop() => _loop.Stop();

    public void Dispose() => _loop.Dispose();

    // Called by the loop's thread through the sequence's hooks.
    internal void Admitted(ServingSequence s, long nowTicks) =>
        _metrics.QueueTime.Record(Time.GetElapsedTime(s.Request.ArrivalTicks, nowTicks).TotalSeconds, _modelTag);

    /// <summary>Timings and metrics of a token step; the token's logprob when the request asked for them.</summary>
    internal TokenLogprob? TokenStepped(ServingSequence s, int token, ReadOnlySpan<float> logits, StopReason? stop)
    {
        if (stop == StopReason.Error)
        {
            return null;
        }

        var request = s.Request;
        var logprob = request.Logprobs ? Logprobs.For(logits, token, request.TopLogprobs, Runtime.Model.Tokenizer) : null;
        long now = Time.GetTimestamp();
        if (s.FirstTokenTicks == 0)
        {
            s.FirstTokenTicks = now;
            _metrics.Ttft.Record(Time.GetElapsedTime(request.ArrivalTicks, now).TotalSeconds, _modelTag);
        }
        else
        {
            double itl = Time.GetElapsedTime(s.LastTokenTicks, now).TotalMilliseconds;
            s.ItlSumMs += itl;
            s.ItlMaxMs = Math.Max(s.ItlMaxMs, itl);
            _metrics.Itl.Record(itl / 1000.0, _modelTag);
        }

        s.LastTokenTicks = now;
        if (stop == StopReason.EndOfSequence)
        {
            return null;
        }

        _metrics.GeneratedTokens.Add(1, _modelTag);
        return logprob;
    }

    internal void Ended(ServingSequence s)
    {
        _admission.Finished(s.Request.Tenant, Name);
        var stopTag = new KeyValuePair<string, object?>("stop_reason", s.Completion!.StopName);
        _metrics.Requests.Add(1, _modelTag, new KeyValuePair<string, object?>("finish_reason", s.Completion.FinishReason), stopTag);
        _metrics.RequestDuration.Record(Time.GetElapsedTime(s.Request.ArrivalTicks).TotalSeconds, _modelTag, stopTag);
    }

    private void PassRan(ScheduledBatch plan, long id)
    {
        _metrics.BatchSize.Record(plan.Chunks.Count, _modelTag);
        _tenantPasses.Record(plan, id);
        foreach (var chunk in plan.Chunks)
        {
            if (((ServingSequence)chunk.Sequence).Phase == SequencePhase.Prefill)
            {
                _metrics.PromptTokens.Add(chunk.To - chunk.From, _modelTag);
            }
        }
    }
}
