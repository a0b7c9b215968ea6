// The engine's generation loop: one thread per model that takes submissions, runs schedule → model step → token step
// and streams events, so concurrent in-process callers share one continuous batch.
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Batching;

/// <summary>
/// Continuous batching over one <see cref="ModelRuntime"/>, for the server and for in-process callers alike:
/// <see cref="Submit(LoopSequence)"/> from any thread; the loop's thread owns the runtime, ends sequences whose
/// <see cref="LoopSequence.EndNow"/> says so, lets <see cref="BatchScheduler"/> decide each pass, runs it with
/// <see cref="ModelStep"/>, samples every output through <see cref="TokenStep"/> and streams text through the sequences'
/// hooks. <see cref="Stop"/> (and Dispose) end every sequence with <see cref="StopReason.Shutdown"/>.
/// </summary>
public sealed class GenerationLoop : IDisposable
{
    private readonly ModelRuntime _runtime;
    private readonly BatchScheduler _scheduler;
    private readonly ModelStep _step;
    private readonly TimeProvider _time;
    private readonly ScheduledBatch _plan = new();
    private readonly Lock _gate = new();
    private readonly List<LoopSequence> _incoming = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private bool _stopping;
    private long _order;
    private long _passes;

    /// <summary>Called on the loop's thread after each pass ran (before its token steps), with the pass's number.</summary>
    public Action<ScheduledBatch, long>? PassRan { get; init; }

    /// <summary>Called on the loop's thread when a pass threw (its running sequences then end with an error).</summary>
    public Action<Exception>? PassFailed { get; init; }

    /// <summary>Starts the loop over <paramref name="runtime"/> with up to <paramref name="maxRunning"/> sequences per pass.</summary>
    /// <param name="runtime">the model it runs</param>
    /// <param name="maxRunning">sequences per pass at most</param>
    /// <param name="name">the loop thread's name</param>
    /// <param name="time">the clock of the timestamps handed to the sequences' hooks; null = <see cref="TimeProvider.System"/></param>
    public GenerationLoop(ModelRuntime runtime, int maxRunning, string name = "strata-generation-loop", TimeProvider? time = null)
    {
        _runtime = runtime;
        _time = time ?? TimeProvider.System;
        _step = new ModelStep(runtime);
        _scheduler = new BatchScheduler(runtime.KvBlocks, maxRunning, _step.Capacity, runtime.ContextTokens);
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
    }

    /// <summary>Starts the loop's thread (after the hooks are set).</summary>
    public GenerationLoop Start()
    {
        _thread.Start();
        return this;
    }

    // Figures published by the loop's thread after each iteration, for metrics and health.

    /// <summary>KV blocks held by queued or running sequences.</summary>
    public int UsedBlocks { get; private set; }

    /// <summary>Idle KV blocks holding a reusable prefix.</summary>
    public int CachedIdleBlocks { get; private set; }

    /// <summary>Sequences running.</summary>
    public int Running { get; private set; }

    /// <summary>Sequences waiting for a slot.</summary>
    public int Waiting { get; private set; }

    /// <summary>Prompt blocks looked up in the prefix cache since start.</summary>
    public long LookupBlocks { get; private set; }

    /// <summary>Prompt blocks found in the prefix cache since start.</summary>
    public long HitBlocks { get; private set; }

    /// <summary>The clock whose <see cref="TimeProvider.GetTimestamp"/> values the sequences' hooks receive.</summary>
    public TimeProvider Time => _time;

    /// <summary>The runtime it drives.</summary>
    public ModelRuntime Runtime => _runtime;

    /// <summary>Queues a generation of <paramref name="prompt"/>; its events arrive on the returned sequence.</summary>
    /// <param name="prompt">the prompt's ids</param>
    /// <param name="maxTokens">most tokens to generate</param>
    /// <param name="sampling">sampler options</param>
    /// <param name="stopStrings">generation ends before the first of these</param>
    /// <param name="priority">higher is scheduled first</param>
    /// <param name="grammar">the grammar the text must follow (the sequence gets its own matcher), or null</param>
    /// <exception cref="ArgumentException">the prompt is empty or does not fit the context with at least one new token</exception>
    /// <exception cref="ObjectDisposedException">the loop was disposed</exception>
    public LoopSequence Submit(ReadOnlySpan<int> prompt, int maxTokens, SamplerOptions sampling, IReadOnlyList<string>? stopStrings, int priority = 0,
        Grammar.Grammar? grammar = null)
    {
        if (prompt.IsEmpty || prompt.Length >= _runtime.ContextTokens)
        {
            throw new ArgumentException($"the prompt has {prompt.Length} tokens; it must have 1 to {_runtime.ContextTokens - 1} for this context", nameof(prompt));
        }

        sampling.Validate();
        var state = new GenerationState(prompt, Math.Min(maxTokens, _runtime.ContextTokens - prompt.Length), _runtime.ContextTokens,
            SamplerChain.FromOptions(sampling, _runtime.Model.Spec.VocabSize), stopStrings,
            grammar is null ? null : GrammarMatcher.Create(grammar, _runtime.Model.Tokenizer));
        var sequence = new LoopSequence(state, priority, NextOrder(), prefixSalt: null);
        Submit(sequence);
        return sequence;
    }

    /// <summary>An arrival number for a sequence built by the caller (ties in priority go to the earlier).</summary>
    public long NextOrder() => Interlocked.Increment(ref _order);

    /// <summary>Queues a sequence the caller built.</summary>
    /// <exception cref="ObjectDisposedException">the loop was stopped</exception>
    public void Submit(LoopSequence sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _incoming.Add(sequence);
        }

        _wake.Release();
    }

    /// <summary>Wakes the loop so it sees a cancellation now.</summary>
    public void Poke() => _wake.Release();

    /// <summary>Ends every sequence at the next iteration and refuses new ones. Safe to call more than once.</summary>
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

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        lock (_gate)
        {
            _wake.Dispose();
        }
    }

    private void Loop()
    {
        while (true)
        {
            bool stopping;
            lock (_gate)
            {
                foreach (var s in _incoming)
                {
                    _scheduler.Add(s);
                }

                _incoming.Clear();
                stopping = _stopping;
            }

            if (stopping)
            {
                EndAll(StopReason.Shutdown);
                return;
            }

            EndWhereAsked();
            _scheduler.Schedule(_plan);
            Publish();
            if (_plan.Rows == 0)
            {
                if (_scheduler.Running.Count == 0 && _scheduler.Waiting.Count > 0)
                {
                    // Nothing runs and the head still cannot be admitted: the KV pool can never hold it.
                    Finish((LoopSequence)_scheduler.Waiting[0], StopReason.Error,
                        $"the KV cache ({_runtime.KvPool.BlockCount} blocks of {_runtime.KvPool.BlockTokens} positions) cannot hold this prompt");
                    continue;
                }

                // Idle: sleep until a submission or a cancellation, or (sequences waiting, e.g. on deadlines) a short tick.
                _wake.Wait(_scheduler.Waiting.Count > 0 ? 20 : Timeout.Infinite);
                continue;
            }

            try
            {
                Pass();
            }
#pragma warning disable CA1031 // a failed pass ends its sequences with an error instead of killing the loop
            catch (Exception e)
#pragma warning restore CA1031
            {
                PassFailed?.Invoke(e);
                foreach (var s in Snapshot(_scheduler.Running))
                {
                    Finish(s, StopReason.Error, $"the forward pass failed: {e.Message}");
                }
            }

            Publish();
        }
    }

    private void Publish()
    {
        var blocks = _runtime.KvBlocks;
        UsedBlocks = blocks.UsedBlocks;
        CachedIdleBlocks = blocks.CachedIdleBlocks;
        Running = _scheduler.Running.Count;
        Waiting = _scheduler.Waiting.Count;
        LookupBlocks = blocks.LookupBlocks;
        HitBlocks = blocks.HitBlocks;
    }

    private void Pass()
    {
        long now = _time.GetTimestamp();
        foreach (var admitted in _plan.FirstAdmitted)
        {
            ((LoopSequence)admitted).OnAdmitted(now);
        }

        _step.Run(_plan);
        _scheduler.Complete(_plan);
        var shared = new SharedPass(++_passes, _plan.Chunks.Count, _plan.Rows);
        PassRan?.Invoke(_plan, _passes);
        foreach (var chunk in _plan.Chunks)
        {
            var passes = ((LoopSequence)chunk.Sequence).Passes;
            if (passes.Count < 4096)
            {
                passes.Add(shared);
            }
        }

        var tokenizer = _runtime.Model.Tokenizer;
        for (int o = 0; o < _step.Outputs.Count; o++)
        {
            var s = (LoopSequence)_step.Outputs[o];
            var logits = _step.Logits(o);
            var step = TokenStep.Next(s.State, logits, s.Kv!.Length, tokenizer);
            s.OnToken(step.Token, logits, step.Stop);
            if (step.Stop is { } stop)
            {
                Finish(s, stop, stop != StopReason.Error ? null
                    : step.Token < 0 ? "no token of the vocabulary can continue the request's grammar"
                    : $"the model produced a non-finite logit (token {step.Token} is {logits[step.Token]}): corrupt weights?");
            }
            else
            {
                s.OnText(s.State.Text.TakeSafe().ToString());
                BatchScheduler.ContinueDecoding(s);
            }
        }
    }

    private void EndWhereAsked()
    {
        long now = _time.GetTimestamp();
        for (int pass = 0; pass < 2; pass++)
        {
            var list = pass == 0 ? _scheduler.Waiting : _scheduler.Running;
            for (int i = list.Count - 1; i >= 0; i--)
            {
                var s = (LoopSequence)list[i];
                if (s.EndNow(now) is { } reason)
                {
                    Finish(s, reason, null);
                }
            }
        }
    }

    private void Finish(LoopSequence s, StopReason reason, string? error)
    {
        if (s.Phase == SequencePhase.Finished)
        {
            return;
        }

        string rest = s.State.FinishText(reason).ToString();
        _scheduler.Finish(s);
        s.End(new GenerationCompletion(reason, s.State.PromptLength, s.State.Generated, error), rest);
    }

    private void EndAll(StopReason reason)
    {
        foreach (var s in Snapshot(_scheduler.Running))
        {
            Finish(s, reason, null);
        }

        foreach (var s in Snapshot(_scheduler.Waiting))
        {
            Finish(s, reason, null);
        }
    }

    private static LoopSequence[] Snapshot(IReadOnlyList<BatchSequence> list)
    {
        var copy = new LoopSequence[list.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = (LoopSequence)list[i];
        }

        return copy;
    }
}
