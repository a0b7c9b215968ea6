// Strata in-process as a Microsoft.Extensions.AI chat client: one model, one continuous batch shared by every caller.
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine;

/// <summary>
/// An <see cref="IChatClient"/> over a model file, generating in this process. Concurrent calls share one continuous
/// batch (<see cref="GenerationLoop"/>); messages are rendered with the same chat template as <c>strata serve</c>, so the
/// same messages give the same greedy text. Maps <see cref="ChatOptions"/>' MaxOutputTokens, Temperature, TopP, TopK,
/// Seed, FrequencyPenalty, PresencePenalty and StopSequences; a JSON response format constrains the text by a grammar (its
/// schema's, or any JSON object without one); tools are refused.
/// </summary>
public sealed class StrataChatClient : IChatClient
{
    private readonly GenerationLoop _loop;
    private readonly ModelRuntime _runtime;
    private readonly string _modelId;
    private readonly TimeProvider _time;

    /// <summary>Loads <paramref name="modelPath"/> (GGUF) with default options.</summary>
    /// <exception cref="Artifacts.ModelFormatException">the file is not a model Strata can load</exception>
    public StrataChatClient(string modelPath)
        : this(modelPath, new StrataChatClientOptions())
    {
    }

    /// <summary>Loads <paramref name="modelPath"/> (GGUF) with <paramref name="options"/>.</summary>
    /// <exception cref="Artifacts.ModelFormatException">the file is not a model Strata can load</exception>
    /// <exception cref="ArgumentException">an option is out of range</exception>
    public StrataChatClient(string modelPath, StrataChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrent, 1);
        int threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        _runtime = ModelRuntime.Load(modelPath, null, new EngineOptions(Threads: threads, ContextTokens: options.ContextTokens,
            BatchTokens: Math.Max(options.BatchTokens, options.MaxConcurrent + 1), Sequences: options.MaxConcurrent,
            Mode: options.Numerics, BatchInvariant: options.BatchInvariant));
        _time = options.Time ?? TimeProvider.System;
        _loop = new GenerationLoop(_runtime, options.MaxConcurrent, time: _time).Start();
        _modelId = options.ModelId ?? Path.GetFileNameWithoutExtension(modelPath);
        Metadata = new ChatClientMetadata("strata", null, _modelId);
    }

    /// <summary>Provider "strata" and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        ChatResponseUpdate? last = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            last = update;
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
        {
            ModelId = _modelId,
            FinishReason = last?.FinishReason,
            ResponseId = last?.ResponseId,
            CreatedAt = last?.CreatedAt,
            AdditionalProperties = last?.AdditionalProperties,
        };
        foreach (var content in last?.Contents ?? [])
        {
            if (content is UsageContent usage)
            {
                response.Usage = usage.Details;
            }
        }

        return response;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sequence = Submit(messages, options);
        string id = "strata-" + Guid.NewGuid().ToString("N");
        using var cancel = cancellationToken.Register(() =>
        {
            sequence.Cancel();
            _loop.Poke();
        });
        try
        {
            await foreach (var e in sequence.Events.ReadAllAsync(CancellationToken.None))
            {
                // A cancelled caller gets no more updates, even ones generated before the loop saw the cancellation.
                cancellationToken.ThrowIfCancellationRequested();
                if (e.Done is { } done)
                {
                    if (done.Reason == StopReason.Cancelled)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    yield return Final(e.Text, done, sequence, id);
                    yield break;
                }

                if (e.Text.Length > 0)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, e.Text) { ResponseId = id, ModelId = _modelId };
                }
            }
        }
        finally
        {
            sequence.Cancel(); // a caller that stopped reading frees the slot
            _loop.Poke();
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ModelRuntime) ? _runtime
        : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        _loop.Dispose();
        _runtime.Dispose();
    }

    private LoopSequence Submit(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        if (options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("tools are not supported yet by StrataChatClient");
        }

        // JSON responses are constrained by a grammar: the schema's when one is given, else any JSON object.
        var grammar = options?.ResponseFormat switch
        {
            null or ChatResponseFormatText => null,
            ChatResponseFormatJson { Schema: { } schema } => JsonSchemaGrammar.Compile(schema),
            ChatResponseFormatJson => Grammar.Grammar.JsonObject(),
            _ => throw new NotSupportedException($"response format {options.ResponseFormat.GetType().Name} is not supported by StrataChatClient"),
        };

        var turns = new List<ChatTurn>();
        foreach (var m in messages)
        {
            turns.Add(new ChatTurn(m.Role.Value, m.Text));
        }

        int[] prompt = _runtime.Model.Tokenizer.Encode(ChatTemplate.Render(turns), addSpecial: true);
        var stops = new List<string>(options?.StopSequences ?? []) { ChatTemplate.EndOfTurn };
        var sampling = new SamplerOptions
        {
            Temperature = options?.Temperature ?? 1f,
            TopK = options?.TopK ?? 0,
            TopP = options?.TopP ?? 1f,
            MinP = 0,
            FrequencyPenalty = options?.FrequencyPenalty ?? 0,
            PresencePenalty = options?.PresencePenalty ?? 0,
            PenaltyLastN = -1,
            Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : null,
        };
        int maxTokens = options?.MaxOutputTokens ?? (_runtime.ContextTokens - prompt.Length);
        return _loop.Submit(prompt, maxTokens, sampling, stops, grammar: grammar);
    }

    private ChatResponseUpdate Final(string rest, GenerationCompletion done, LoopSequence sequence, string id)
    {
        if (done.Error is not null && done.Reason != StopReason.Cancelled)
        {
            throw new InvalidOperationException($"generation failed: {done.Error}");
        }

        var update = new ChatResponseUpdate(ChatRole.Assistant, rest)
        {
            ResponseId = id,
            ModelId = _modelId,
            CreatedAt = _time.GetUtcNow(),
            FinishReason = StopReasons.FinishReason(done.Reason) == "length" ? ChatFinishReason.Length : ChatFinishReason.Stop,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["strata_stop_reason"] = StopReasons.WireName(done.Reason),
                ["strata_passes"] = sequence.Passes.ToArray(),
            },
        };
        update.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = done.PromptTokens,
            OutputTokenCount = done.CompletionTokens,
            TotalTokenCount = done.PromptTokens + done.CompletionTokens,
        }));
        return update;
    }
}
