// A model that plays a script: the same conversation always gets the same reply, so replays and tests are exact.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// An <see cref="IChatClient"/> that answers by script: the reply to a conversation is the turn numbered by the
/// assistant messages already in it, so a task resumed after a crash gets the reply it would have got. For
/// examples, offline demonstrations and crash tests; it never sees a prompt's meaning.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly List<ScriptTurn> _turns = [];
    private readonly string _final;

    /// <summary>Creates a client playing <paramref name="script"/>.</summary>
    public ScriptedChatClient(ModelScript script)
    {
        foreach (var turn in script.Turns)
        {
            for (var copy = 0; copy < Math.Max(1, turn.Repeat); copy++)
            {
                _turns.Add(turn);
            }
        }

        _final = script.Final;
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var number = 0;
        foreach (var message in messages)
        {
            number += message.Role == ChatRole.Assistant ? 1 : 0;
        }

        var inputs = options?.AdditionalProperties?.TryGetValue(ModelStepRunner.InputsProperty, out var raw) == true && raw is string text
            ? JsonNode.Parse(text) as JsonObject
            : null;
        var reply = new ChatMessage(ChatRole.Assistant, number < _turns.Count ? _turns[number].Text : _final);
        if (number < _turns.Count)
        {
            var calls = _turns[number].ToolCalls;
            for (var index = 0; index < calls.Count; index++)
            {
                var arguments = Substitute(calls[index].Arguments, inputs, number + 1);
                reply.Contents.Add(new FunctionCallContent($"call_{number + 1}_{index}", calls[index].Name, arguments));
            }
        }

        return Task.FromResult(new ChatResponse(reply)
        {
            ModelId = "scripted",
            ResponseId = $"scripted-{number + 1}",
            Usage = new UsageDetails { InputTokenCount = 0, OutputTokenCount = 1, TotalTokenCount = 1 },
            FinishReason = reply.Contents.Count > 1 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        });
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static Dictionary<string, object?> Substitute(JsonElement arguments, JsonObject? inputs, int turn)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return map;
        }

        foreach (var property in arguments.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                map[property.Name] = property.Value.Clone();
                continue;
            }

            var text = property.Value.GetString()!.Replace("${turn}", turn.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            if (inputs is not null)
            {
                foreach (var (name, value) in inputs)
                {
                    text = text.Replace("${input." + name + "}", value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString(), StringComparison.Ordinal);
                }
            }

            map[property.Name] = text;
        }

        return map;
    }
}
