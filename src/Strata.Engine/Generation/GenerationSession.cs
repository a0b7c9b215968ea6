// One sequence's generation: tokenize, prefill in chunks, then sample/decode step by step, streaming text as it completes.
using System.Diagnostics;
using Strata.Engine.Artifacts;
using Strata.Engine.KvCache;
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
    private readonly SamplerChain _sampler;
    private readonly SequenceKv _sequence;
    private readonly ForwardBatch _batch;
    private readonly int[] _history;         // (context + 1) prompt then generated ids; the last token is sampled after the context is full
    private readonly GeneratedText _text;
    private int _historyLength;
    private int _generated;
    private long _startTicks;
    private long _firstTokenTicks;
    private long _decodeTicks;
    private int _decodeSteps;
    private double _promptMs;

    /// <summary>Tokenizes the prompt and checks it fits; throws <see cref="PromptTooLongException"/> otherwise.</summary>
    public GenerationSession(ModelRuntime runtime, GenerationRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxTokens, nameof(request.MaxTokens));
        request.Sampling.Validate();
        _startTicks = Stopwatch.GetTimestamp();
        _runtime = runtime;
        _request = request;
        PromptTokens = runtime.Model.Tokenizer.Encode(request.Prompt, request.AddSpecial);
        if (PromptTokens.Length == 0)
        {
            throw new ArgumentException("prompt is empty and the tokenizer adds no BOS token; give a non-empty prompt", nameof(request));
        }

        if (PromptTokens.Length >= runtime.ContextTokens)
        {
            throw new PromptTooLongException(PromptTokens.Length, runtime.ContextTokens);
        }

        _text = new GeneratedText(request.StopStrings, Math.Min(request.MaxTokens, runtime.ContextTokens));
        _sampler = SamplerChain.FromOptions(request.Sampling, runtime.Model.Spec.VocabSize);
        _sequence = new SequenceKv(runtime.KvPool, runtime.ContextTokens);
        _batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        _history = new int[runtime.ContextTokens + 1];
        PromptTokens.CopyTo(_history, 0);
        _historyLength = PromptTokens.Length;
    }

    /// <summary>Prompt ids (BOS included when added).</summary>
    public int[] PromptTokens { get; }

    /// <summary>Set once generation has ended.</summary>
    public StopReason? StopReason { get; private set; }

    /// <summary>Copy of the logits after the prompt, when requested.</summary>
    public float[]? FirstStepLogits { get; private set; }

    /// <summary>The sampler chain's stages and seed, for evidence.</summary>
    public SamplerDescription Sampler => new(_sampler.Describe(), _sampler.Seed);

    /// <summary>Generated ids so far.</summary>
    public ReadOnlySpan<int> Tokens => _history.AsSpan(PromptTokens.Length, _generated);

    /// <summary>Positions held in the KV cache: prompt tokens evaluated so far plus tokens decoded.</summary>
    public int EvaluatedTokens => _sequence.Length;

    /// <summary>
    /// Evaluates the prompt in chunks of the executable's batch capacity; when <paramref name="cancellation"/> fires between
    /// chunks, generation ends there with <see cref="Generation.StopReason.Cancelled"/>.
    /// </summary>
    public void Prefill(CancellationToken cancellation = default)
    {
        long start = Stopwatch.GetTimestamp();
        bool complete = SequenceForward.Prefill(_runtime, _batch, _sequence, PromptTokens, cancellation);
        _promptMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!complete)
        {
            StopReason = Generation.StopReason.Cancelled;
            return;
        }

        if (_request.CaptureFirstLogits)
        {
            FirstStepLogits = _runtime.Runner.Logits(0).ToArray();
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

        var logits = _runtime.Runner.Logits(0);
        ThrowIfNotFinite(logits);
        token = _sampler.Sample(logits, _history.AsSpan(0, _historyLength));
        if (_generated == 0)
        {
            _firstTokenTicks = Stopwatch.GetTimestamp();
        }

        if (_runtime.Model.Tokenizer.IsEndOfGeneration(token))
        {
            return End(Generation.StopReason.EndOfSequence, out newText);
        }

        _history[_historyLength++] = token;
        _generated++;
        if (_text.Append(_runtime.Model.Tokenizer.TokenBytes(token)))
        {
            return End(Generation.StopReason.StopString, out newText);
        }

        if (_generated >= _request.MaxTokens)
        {
            return End(Generation.StopReason.MaxTokens, out newText);
        }

        if (_sequence.Length + 1 > _runtime.ContextTokens)
        {
            return End(Generation.StopReason.ContextFull, out newText);
        }

        newText = _text.TakeSafe();
        Decode(token);
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
        double ttft = _firstTokenTicks == 0 ? 0 : Stopwatch.GetElapsedTime(_startTicks, _firstTokenTicks).TotalMilliseconds;
        var metrics = new TokenMetrics(PromptTokens.Length, _generated, _promptMs,
            Stopwatch.GetElapsedTime(0, _decodeTicks).TotalMilliseconds, _decodeSteps, ttft);
        return new GenerationResult(PromptTokens, Tokens.ToArray(), new string(_text.Text),
            StopReason ?? Generation.StopReason.Cancelled, metrics, FirstStepLogits);
    }

    private void Decode(int token)
    {
        long start = Stopwatch.GetTimestamp();
        SequenceForward.Decode(_runtime, _batch, _sequence, token);
        _decodeTicks += Stopwatch.GetTimestamp() - start;
        _decodeSteps++;
    }

    // Corrupt weights (NaN, infinities, or values so large the matmuls overflow) give NaN/+inf logits, which no sampler
    // can rank: report the model file, not a sampler argument error.
    private void ThrowIfNotFinite(ReadOnlySpan<float> logits)
    {
        int i = LogitCheck.FirstNonFinite(logits);
        if (i >= 0)
        {
            throw new ModelFormatException(
                $"{System.IO.Path.GetFileName(_runtime.Model.Path)}: logit of token {i} is {logits[i]} after position {_sequence.Length - 1}; "
                + "the model's weights produce non-finite values (corrupt file?)");
        }
    }

    private bool End(StopReason reason, out ReadOnlySpan<char> newText)
    {
        StopReason = reason;
        newText = _text.Finish(reason == Generation.StopReason.StopString);
        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _sequence.Release();
}
