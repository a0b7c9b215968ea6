// Runs one model call of a task: checkpointed before and after, its reply stored and its tool calls planned.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// Makes a model call through the task's route. The step is written <c>started</c> first; the reply, its token
/// counts and the tool calls it asks for (as <c>planned</c> steps, each with its idempotency key) are written in
/// one checkpoint after. A model call has no side effect, so one interrupted by a crash is simply made again.
/// </summary>
internal sealed class ModelStepRunner
{
    /// <summary>Key of <see cref="ChatOptions.AdditionalProperties"/> carrying the task's inputs (a JSON object as text).</summary>
    public const string InputsProperty = "strata_task_inputs";

    private readonly RunScope _scope;

    public ModelStepRunner(RunScope scope)
    {
        _scope = scope;
    }

    /// <summary>Makes the call at <paramref name="index"/>; false when the model failed.</summary>
    public async Task<bool> CallAsync(int index, AssembledContext context, ModelRoute route, CancellationToken cancellationToken)
    {
        var messages = Transcript.Build(_scope, context);
        var attempts = index < _scope.Steps.Count ? _scope.Steps[index].Attempts : 0;
        var started = new StepRecord(_scope.TaskId, index, StepKind.Model, StepStatus.Started, route.Name, null,
            PromptHash(messages), null, null, null, attempts + 1, _scope.Now, route.Locality.ToString());
        _scope.Commit([started], [LedgerPayload.Record("model.started", new JsonObject
        {
            ["step"] = index,
            ["route"] = route.Name,
            ["locality"] = route.Locality.ToString(),
            ["description"] = route.Description,
            ["prompt_sha256"] = started.ArgumentsHash,
            ["attempt"] = started.Attempts,
        })]);

        ChatResponse response;
        try
        {
            response = await route.Client.GetResponseAsync(messages, Options(index), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var failed = started with { Status = StepStatus.Failed, UpdatedAt = _scope.Now, Detail = error.Message };
            _scope.Commit([failed], [LedgerPayload.Record("model.failed", new JsonObject
            {
                ["step"] = index,
                ["route"] = route.Name,
                ["error"] = $"{error.GetType().Name}: {error.Message}",
            })]);
            return false;
        }

        Record(started, response);
        return true;
    }

    private void Record(StepRecord started, ChatResponse response)
    {
        var reply = FinalAnswer.Apply(Reply(response));
        if (_scope.Options.RequireToolCalls && reply.ToolCalls.Count == 0 && !reply.FinalAnswer)
        {
            // A reply that should have been a call but is not (cut off by the token limit): not an answer.
            var (bytes, sha) = RunScope.Blob(AgentJson.Write(reply));
            var failed = started with { Status = StepStatus.Failed, ResultHash = sha, UpdatedAt = _scope.Now, Detail = "no tool call although one was required" };
            _scope.Commit([failed], [LedgerPayload.Record("model.failed", new JsonObject
            {
                ["step"] = started.Index,
                ["route"] = started.Name,
                ["error"] = "the reply calls no tool although every reply must; the call is made again",
                ["text"] = _scope.Content(reply.Text),
            })], [bytes]);
            return;
        }

        var (replyBytes, replySha) = RunScope.Blob(AgentJson.Write(reply));
        var steps = new List<StepRecord> { started with { Status = StepStatus.Completed, ResultHash = replySha, UpdatedAt = _scope.Now } };
        var blobs = new List<byte[]> { replyBytes };
        var calls = new JsonArray();
        foreach (var call in reply.ToolCalls)
        {
            var index = started.Index + steps.Count;
            var (bytes, sha) = RunScope.Blob(call.Arguments.GetRawText());
            blobs.Add(bytes);
            steps.Add(new StepRecord(_scope.TaskId, index, StepKind.Tool, StepStatus.Planned, call.Name, call.CallId, sha,
                TaskIds.IdempotencyKey(_scope.TaskId, index), null, _scope.Options.Tools.Find(call.Name)?.Identity, 0, _scope.Now, null));
            calls.Add(new JsonObject { ["step"] = index, ["call_id"] = call.CallId, ["tool"] = call.Name, ["arguments_sha256"] = sha });
        }

        _scope.Commit(steps, [LedgerPayload.Record("model.completed", new JsonObject
        {
            ["step"] = started.Index,
            ["route"] = started.Name,
            ["response_id"] = reply.ResponseId,
            ["trace_id"] = reply.TraceId,
            ["engine"] = reply.Engine is null ? null : JsonNode.Parse(reply.Engine),
            ["model_id"] = reply.ModelId,
            ["input_tokens"] = reply.InputTokens,
            ["output_tokens"] = reply.OutputTokens,
            ["text"] = _scope.Content(reply.Text),
            ["tool_calls"] = calls,
        })], blobs);
    }

    private ChatOptions Options(int index)
    {
        var tools = new List<AITool>();
        foreach (var name in _scope.Contract.Tools)
        {
            if (_scope.Options.Tools.Find(name) is { } tool)
            {
                tools.Add(AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, tool.ParametersSchema));
            }
        }

        if (_scope.Options.RequireToolCalls)
        {
            tools.Add(FinalAnswer.Declaration);
        }

        var options = new ChatOptions
        {
            Tools = tools.Count == 0 ? null : tools,
            ToolMode = tools.Count == 0 ? null : _scope.Options.RequireToolCalls ? ChatToolMode.RequireAny : ChatToolMode.Auto,
            MaxOutputTokens = _scope.Options.MaxOutputTokens,
            // Each step its own seed, the same on every attempt: a sampled run is repeatable, and replies differ by step.
            Seed = _scope.Options.Seed + index,
            Temperature = _scope.Options.Temperature,
            // One call per reply when calls are required: a constrained model then never runs out of tokens mid-list.
            AllowMultipleToolCalls = !_scope.Options.RequireToolCalls,
        };
        if (_scope.Contract.Inputs is { } inputs)
        {
            options.AdditionalProperties = new AdditionalPropertiesDictionary { [InputsProperty] = inputs.GetRawText() };
        }

        return options;
    }

    private static ModelReply Reply(ChatResponse response)
    {
        var calls = new List<RequestedCall>();
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    var arguments = call.Exception is { } error
                        ? JsonSerializer.SerializeToElement($"unparseable arguments: {error.Message}")
                        : JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
                    calls.Add(new RequestedCall(call.CallId, call.Name, arguments));
                }
            }
        }

        return new ModelReply(response.Text, calls, response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0,
            response.ResponseId, response.ModelId, TraceId: TraceOf(response.ResponseId), Engine: EngineOf(response));
    }

    // A Strata server names a chat completion "chatcmpl-" + its trace id: the key of its evidence record (route, queue,
    // batch, executable hash, kernels).
    private static string? TraceOf(string? responseId) =>
        responseId is not null && responseId.StartsWith("chatcmpl-", StringComparison.Ordinal) && responseId.Length == 9 + 32
            ? responseId[9..]
            : null;

    // The in-process engine reports its stop reason and batch passes with the reply.
    private static string? EngineOf(ChatResponse response)
    {
        if (response.AdditionalProperties is not { Count: > 0 } properties)
        {
            return null;
        }

        var engine = new JsonObject();
        foreach (var (key, value) in properties)
        {
            if (key.StartsWith("strata_", StringComparison.Ordinal))
            {
                engine[key] = JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions);
            }
        }

        return engine.Count == 0 ? null : engine.ToJsonString();
    }

    // The hash of everything the model is shown: instructions, context, goal, inputs and every turn so far.
    private static string PromptHash(List<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(message.Role.Value).Append('\u001f');
            foreach (var content in message.Contents)
            {
                _ = content switch
                {
                    TextContent t => text.Append(t.Text),
                    FunctionCallContent call => text.Append("call:").Append(call.CallId).Append(':').Append(call.Name).Append(':')
                        .Append(JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)),
                    FunctionResultContent result => text.Append("result:").Append(result.CallId).Append(':').Append(result.Result),
                    _ => text.Append(content.GetType().Name),
                };
                text.Append('\u001e');
            }
        }

        return RunScope.Blob(text.ToString()).Sha256;
    }
}
