// The engine's generation loop: one thread per model that takes submissions, runs schedule → model step → token step
// and streams events, so concurrent in-process callers share one continuous batch.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Batching;

/// <summary>
/// Continuous batching for in-process callers of one <see cref="ModelRuntime"/>: <see cref="Submit"/> from any thread;
/// the loop's thread owns the runtime, admits sequences as slots and KV blocks allow, runs each pass, samples every
/// output through <see cref="TokenStep"/> and streams text. Dispose ends every sequence with <see cref="StopReason.Shutdown"/>.
/// </summary>
public sealed class GenerationLoop : IDisposable
{
    private readonly ModelRuntime _runtime;
    private readonly BatchScheduler _scheduler;
    private readonly ModelStep _step;
    private readonly ScheduledBatch _plan = new();
    private readonly Lock _gate = new();
    private readonly List<LoopSequence> _incoming = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private bool _stopping;
    private long _order;
    private long _passes;

    /// <summary>Starts the loop over <paramref name="runtime"/> with up to <paramref name="maxRunning"/> sequences per pass.</summary>
    public GenerationLoop(ModelRuntime runtime, int maxRunning)
    {
        _runtime = runtime;
        _step = new ModelStep(runtime);
        _scheduler = new BatchScheduler(runtime.KvBlocks, maxRunning, _step.Capacity, runtime.ContextTokens);
        _thread = new Thread(Loop) { IsBackground = true, Name = "strata-generation-loop" };
        _thread.Start();
    }

    /// <summary>The runtime it drives.</summary>
    public ModelRuntime Runtime => _runtime;

    /// <summary>Queues a generation of <paramref name="prompt"/>; its events arrive on the returned sequence.</summary>
    /// <exception cref="ArgumentException">the prompt is empty or does not fit the context with at least one new token</exception>
    /// <exception cref="ObjectDisposedException">the loop was disposed</exception>
    public LoopSequence Submit(ReadOnlySpan<int> prompt, int maxTokens, SamplerOptions sampling, IReadOnlyList<string>? stopStrings, int priority = 0)
    {
        if (prompt.IsEmpty || prompt.Length >= _runtime.ContextTokens)
        {
            throw new ArgumentException($"the prompt has {prompt.Length} tokens; it must have 1 to {_runtime.ContextTokens - 1} for this context", nameof(prompt));
        }

        sampling.Validate();
        var state = new GenerationState(prompt, Math.Min(maxTokens, _runtime.ContextTokens - prompt.Length), _runtime.ContextTokens,
            SamplerChain.FromOptions(sampling, _runtime.Model.Spec.VocabSize), stopStrings);
        var sequence = new LoopSequence(state, priority, Interlocked.Increment(ref _order), prefixSalt: null);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _incoming.Add(sequence);
        }

        _wake.Release();
        return sequence;
    }

    /// <summary>Wakes the loop so it sees a cancellation now.</summary>
    public void Poke() => _wake.Release();

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        _wake.Release();
        _thread.Join();
        _wake.Dispose();
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

            EndCancelled();
            _scheduler.Schedule(_plan);
            if (_plan.Rows == 0)
            {
                if (_scheduler.Running.Count == 0 && _scheduler.Waiting.Count > 0)
                {
                    // Nothing runs and the head still cannot be admitted: the KV pool can never hold it.
                    Finish((LoopSequence)_scheduler.Waiting[0], StopReason.Error,
                        $"the KV cache ({_runtime.KvPool.BlockCount} blocks of {_runtime.KvPool.BlockTokens} positions) cannot hold this prompt");
                    continue;
                }

                _wake.Wait();
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
                foreach (var s in Snapshot(_scheduler.Running))
                {
                    Finish(s, StopReason.Error, $"the forward pass failed: {e.Message}");
                }
            }
        }
    }

    private void Pass()
    {
        _step.Run(_plan);
        _scheduler.Complete(_plan);
        var shared = new SharedPass(++_passes, _plan.Chunks.Count, _plan.Rows);
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
            var step = TokenStep.Next(s.State, _step.Logits(o), s.Kv!.Length, tokenizer);
            if (step.Stop is { } stop)
            {
                Finish(s, stop, stop == StopReason.Error ? $"the model produced a non-finite logit for token {step.Token}: corrupt weights?" : null);
            }
            else
            {
                s.Emit(s.State.Text.TakeSafe().ToString());
                BatchScheduler.ContinueDecoding(s);
            }
        }
    }

    private void EndCancelled()
    {
        foreach (var list in new[] { _scheduler.Waiting, _scheduler.Running })
        {
            for (int i = list.Count - 1; i >= 0; i--)
            {
                if (((LoopSequence)list[i]).Cancelled)
                {
                    Finish((LoopSequence)list[i], StopReason.Cancelled, null);
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
