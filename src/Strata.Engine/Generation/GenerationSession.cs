// One sequence's generation: the one-sequence use of the batch path (schedule, model step, token step), streaming text.
using Strata.Engine.Artifacts;
using Strata.Engine.Batching;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine.Generation;

/// <summary>
/// Drives one generation over a <see cref="ModelRuntime"/>. <see cref="Prefill"/> evaluates the prompt; each
/// <see cref="Step"/> samples one token, streams the text it completes and runs the next forward pass. After the first
/// steps a step allocates nothing (buffers are sized at construction).
/// </summary>
public sealed class GenerationSession : IDisposable
{
    private readonly ModelRuntime _runtime;
    private readonly GenerationRequest _request;
    private readonly GenerationState _state;
    private readonly BatchSequence _sequence;
    private readonly BatchScheduler _scheduler;
    private readonly ModelStep _step;
    private readonly ScheduledBatch _plan = new();
    private readonly TimeProvider _time;
    private long _startTicks;
    private long _firstTokenTicks;
    private long _decodeTicks;
    private int _decodeSteps;
    private double _promptMs;

    /// <summary>Tokenizes the prompt and checks it fits; throws <see cref="PromptTooLongException"/> otherwise.</summary>
    /// <param name="runtime">the model</param>
    /// <param name="request">what to generate</param>
    /// <param name="time">the clock of the timings it reports; null = <see cref="TimeProvider.System"/></param>
    public GenerationSession(ModelRuntime runtime, GenerationRequest request, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxTokens, nameof(request.MaxTokens));
        request.Sampling.Validate();
        _time = time ?? TimeProvider.System;
        _startTicks = _time.GetTimestamp();
        _runtime = runtime;
        _request = request;
        PromptTokens = request.PromptIds is { } ids ? [.. ids] : runtime.Model.Tokenizer.Encode(request.Prompt, request.AddSpecial);
        if (PromptTokens.Length == 0)
        {
            throw new ArgumentException("prompt is empty and the tokenizer adds no BOS token; give a non-empty prompt", nameof(request));
        }

        if (PromptTokens.Length >= runtime.ContextTokens)
        {
            throw new PromptTooLongException(PromptTokens.Length, runtime.ContextTokens);
        }

        _state = new GenerationState(PromptTokens, request.MaxTokens, runtime.ContextTokens,
            SamplerChain.FromOptions(request.Sampling, runtime.Model.Spec.VocabSize), request.StopStrings,
            request.Grammar is null ? null : GrammarMatcher.Create(request.Grammar, runtime.Model.Tokenizer));
        // The server's path with one sequence and no prefix caching: prompt chunks of the executable's batch capacity,
        // then one decode row per step.
        _step = new ModelStep(runtime);
        _scheduler = new BatchScheduler(runtime.KvBlocks, maxRunning: 1, _step.Capacity, runtime.ContextTokens);
        _sequence = new BatchSequence(_state, priority: 0, order: 0, prefixSalt: null);
        _scheduler.Add(_sequence);
    }

    /// <summary>Prompt ids (BOS included when added).</summary>
    public int[] PromptTokens { get; }

    /// <summary>Set once generation has ended.</summary>
    public StopReason? StopReason { get; private set; }

    /// <summary>Copy of the logits after the prompt, when requested.</summary>
    public float[]? FirstStepLogits { get; private set; }

    /// <summary>The sampler chain's stages and seed, and the grammar's hash, for evidence.</summary>
    public SamplerDescription Sampler => new(_state.Sampler.Describe(), _state.Sampler.Seed, _request.Grammar?.Sha256);

    /// <summary>Generated ids so far.</summary>
    public ReadOnlySpan<int> Tokens => _state.GeneratedTokens;

    /// <summary>Positions held in the KV cache: prompt tokens evaluated so far plus tokens decoded.</summary>
    public int EvaluatedTokens => _sequence.Kv?.Length ?? 0;

    /// <summary>
    /// Evaluates the prompt in chunks of the executable's batch capacity. A cancellation is seen between chunks: the
    /// session then ends with <see cref="Generation.StopReason.Cancelled"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">the KV cache cannot hold the prompt</exception>
    public void Prefill(CancellationToken cancellation = default)
    {
        long start = _time.GetTimestamp();
        do
        {
            if (cancellation.IsCancellationRequested)
            {
                StopReason = Generation.StopReason.Cancelled;
                return;
            }

            RunPass();
        }
        while (_step.Outputs.Count == 0);

        _promptMs = _time.GetElapsedTime(start).TotalMilliseconds;

        if (_request.CaptureFirstLogits)
        {
            FirstStepLogits = _step.Logits(0).ToArray();
        }

        if (_request.MaxTokens == 0)
        {
            StopReason = Generation.StopReason.MaxTokens;
        }
    }

    /// <summary>
    /// Samples the next token from the last logits, streams the text it completes through <paramref name="newText"/>,
    /// and runs the forward pass that makes the following logits. Returns false once generation has ended.
    /// </summary>
    /// <exception cref="ModelFormatException">the logits hold NaN or +infinity: the model's weights are corrupt</exception>
    /// <exception cref="GrammarException">the request's grammar allows no token of the vocabulary (the session has ended)</exception>
    public bool Step(out int token, out ReadOnlySpan<char> newText, CancellationToken cancellation = default)
    {
        token = -1;
        newText = default;
        if (StopReason is not null)
        {
            return false;
        }

        if (cancellation.IsCancellationRequested)
        {
            return End(Generation.StopReason.Cancelled, out newText);
        }

        var logits = _step.Logits(0);
        bool first = _state.Generated == 0;
        var step = TokenStep.Next(_state, logits, _sequence.Kv!.Length, _runtime.Model.Tokenizer);
        if (step.Stop == Generation.StopReason.Error)
        {
            if (step.Token < 0)
            {
                End(Generation.StopReason.Error, out newText);
                throw new GrammarException(
                    $"no token of the vocabulary can continue the grammar (sha256 {_request.Grammar?.Sha256}) after {_state.Generated} generated tokens");
            }

            ThrowNotFinite(step.Token, logits[step.Token]);
        }

        token = step.Token;
        if (first)
        {
            _firstTokenTicks = _time.GetTimestamp();
        }

        if (step.Stop is { } stop)
        {
            return End(stop, out newText);
        }

        newText = _state.Text.TakeSafe();
        Decode();
        return true;
    }

    /// <summary>Runs the session to the end, calling <paramref name="onText"/> with each piece of new text.</summary>
    /// <exception cref="ModelFormatException">the logits hold NaN or +infinity: the model's weights are corrupt</exception>
    public GenerationResult Run(Action<string>? onText = null, CancellationToken cancellation = default)
    {
        Prefill(cancellation);
        while (true)
        {
            bool more = Step(out _, out var piece, cancellation);
            if (!piece.IsEmpty)
            {
                onText?.Invoke(piece.ToString());
            }

            if (!more)
            {
                return ToResult();
            }
        }
    }

    /// <summary>The result so far (complete once <see cref="StopReason"/> is set).</summary>
    public GenerationResult ToResult()
    {
        double ttft = _firstTokenTicks == 0 ? 0 : _time.GetElapsedTime(_startTicks, _firstTokenTicks).TotalMilliseconds;
        var metrics = new TokenMetrics(PromptTokens.Length, _state.Generated, _promptMs,
            _time.GetElapsedTime(0, _decodeTicks).TotalMilliseconds, _decodeSteps, ttft);
        return new GenerationResult(PromptTokens, Tokens.ToArray(), new string(_state.Text.Text),
            StopReason ?? Generation.StopReason.Cancelled, metrics, FirstStepLogits);
    }

    private void Decode()
    {
        long start = _time.GetTimestamp();
        BatchScheduler.ContinueDecoding(_sequence);
        RunPass();
        _decodeTicks += _time.GetTimestamp() - start;
        _decodeSteps++;
    }

    // Corrupt weights (NaN, infinities, or values so large the matmuls overflow) give NaN/+inf logits, which no sampler
    // can rank: report the model file, not a sampler argument error.
    private void ThrowNotFinite(int token, float logit) => throw new ModelFormatException(
        $"{System.IO.Path.GetFileName(_runtime.Model.Path)}: logit of token {token} is {logit} after position {_sequence.Kv!.Length - 1}; "
        + "the model's weights produce non-finite values (corrupt file?)");

    private bool End(StopReason reason, out ReadOnlySpan<char> newText)
    {
        StopReason = reason;
        newText = _state.FinishText(reason);
        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _scheduler.Finish(_sequence);

    // Schedule, run, complete: one pass of the batch path with this sequence alone.
    private void RunPass()
    {
        _scheduler.Schedule(_plan);
        if (_plan.Rows == 0)
        {
            throw new InvalidOperationException(
                $"KV cache cannot hold position {_state.Count - 1}: {_runtime.KvBlocks.AvailableBlocks} of {_runtime.KvPool.BlockCount} blocks available, "
                + $"sequence limit {_runtime.ContextTokens} positions");
        }

        _step.Run(_plan);
        _scheduler.Complete(_plan);
    }
}
