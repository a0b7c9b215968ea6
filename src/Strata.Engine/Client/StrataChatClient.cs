// Strata in-process as a Microsoft.Extensions.AI chat client: one model, one continuous batch shared by every caller.
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Strata.Engine.Batching;
using Strata.Engine.Chat;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;

namespace Strata.Engine;

/// <summary>
/// An <see cref="IChatClient"/> over a model file, generating in this process. Concurrent calls share one continuous
/// batch (<see cref="GenerationLoop"/>); messages are rendered with the same chat template as <c>strata serve</c>, so the
/// same messages give the same greedy text. Maps <see cref="ChatOptions"/>' MaxOutputTokens, Temperature, TopP, TopK,
/// Seed, FrequencyPenalty, PresencePenalty, StopSequences, Tools (functions), ToolMode, AllowMultipleToolCalls and
/// ResponseFormat; tool calls come back as <see cref="FunctionCallContent"/>, so <c>UseFunctionInvocation()</c> runs
/// tool loops in-process.
/// </summary>
public sealed class StrataChatClient : IChatClient
{
    private readonly GenerationLoop _loop;
    private readonly ModelRuntime _runtime;
    private readonly string _modelId;
    private readonly TimeProvider _time;
    private readonly ModelChat _chat;

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
        _chat = ModelChat.For(_runtime.Model, _time);
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
        var calls = new List<AIContent>();
        ChatResponseUpdate? last = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            foreach (var content in update.Contents)
            {
                if (content is FunctionCallContent)
                {
                    calls.Add(content);
                }
            }

            last = update;
        }

        var message = new ChatMessage(ChatRole.Assistant, text.ToString());
        foreach (var call in calls)
        {
            message.Contents.Add(call);
        }

        var response = new ChatResponse(message)
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
        var (sequence, prompt) = Submit(messages, options);
        string id = "strata-" + Guid.NewGuid().ToString("N");
        var held = prompt.ParsesToolCalls ? new System.Text.StringBuilder() : null;
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

                    yield return Final(held is null ? e.Text : held.Append(e.Text).ToString(), done, sequence, id, held is null ? null : prompt);
                    yield break;
                }

                if (held is not null)
                {
                    held.Append(e.Text); // a tool call is only a call once it parses: held to the end
                }
                else if (e.Text.Length > 0)
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

    private (LoopSequence Sequence, ChatPrompt Prompt) Submit(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var prompt = _chat.Render(ChatMessageMapping.ToRequest(messages, options));
        var grammar = _chat.Grammar(prompt);

        int[] ids = _chat.Encode(prompt, _runtime.Model.Tokenizer);
        var stops = new List<string>(options?.StopSequences ?? []);
        stops.AddRange(prompt.StopStrings);
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
        int maxTokens = options?.MaxOutputTokens ?? (_runtime.ContextTokens - ids.Length);
        return (_loop.Submit(ids, maxTokens, sampling, stops, grammar: grammar), prompt);
    }

    // With tools callable, rest is the whole answer: its text and its calls go out together.
    private ChatResponseUpdate Final(string rest, GenerationCompletion done, LoopSequence sequence, string id, ChatPrompt? toolPrompt)
    {
        if (done.Error is not null && done.Reason != StopReason.Cancelled)
        {
            throw new InvalidOperationException($"generation failed: {done.Error}");
        }

        var reply = toolPrompt?.ParseReply(rest, i => $"{id}_call_{i}") ?? new ChatReply(rest, []);
        var update = new ChatResponseUpdate(ChatRole.Assistant, reply.Content)
        {
            ResponseId = id,
            ModelId = _modelId,
            CreatedAt = _time.GetUtcNow(),
            FinishReason = StopReasons.FinishReason(done.Reason) == "length" ? ChatFinishReason.Length
                : reply.HasToolCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["strata_stop_reason"] = StopReasons.WireName(done.Reason),
                ["strata_passes"] = sequence.Passes.ToArray(),
            },
        };
        foreach (var call in reply.ToolCalls)
        {
            update.Contents.Add(ChatMessageMapping.ToContent(call));
        }

        update.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = done.PromptTokens,
            OutputTokenCount = done.CompletionTokens,
            TotalTokenCount = done.PromptTokens + done.CompletionTokens,
        }));
        return update;
    }
}
