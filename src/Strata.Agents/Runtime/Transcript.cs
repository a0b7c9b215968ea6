// Rebuilds a task's conversation from its checkpointed steps, so a resumed task sees exactly what it saw before.
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// The messages of a task's next model call: the instructions and context, then every finished step in order
/// (model replies, tool results, failed-check feedback). Nothing is re-run to rebuild it; results come from blobs.
/// </summary>
internal static class Transcript
{
    public static List<ChatMessage> Build(RunScope scope, AssembledContext context)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, Instructions(scope.Contract, context)),
            new(ChatRole.User, Request(scope.Contract)),
        };
        foreach (var step in scope.Steps)
        {
            switch (step.Kind)
            {
                case StepKind.Model when step.Status == StepStatus.Completed:
                    messages.Add(Assistant(ReadReply(scope, step)));
                    break;
                case StepKind.Tool when step.Status is StepStatus.Completed or StepStatus.Failed or StepStatus.Denied:
                    var result = JsonSerializer.Deserialize<ToolResult>(scope.BlobText(step.ResultHash), AgentJson.Options)!;
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(step.CallId!, result.Content)]));
                    break;
                case StepKind.Validation when step.Status == StepStatus.Failed && step.ResultHash is not null:
                    messages.Add(new ChatMessage(ChatRole.User, scope.BlobText(step.ResultHash)));
                    break;
                default:
                    break;
            }
        }

        return messages;
    }

    public static ModelReply ReadReply(RunScope scope, StepRecord step) =>
        JsonSerializer.Deserialize<ModelReply>(scope.BlobText(step.ResultHash), AgentJson.Options)!;

    private static ChatMessage Assistant(ModelReply reply)
    {
        var message = new ChatMessage(ChatRole.Assistant, reply.Text);
        foreach (var call in reply.ToolCalls)
        {
            message.Contents.Add(new FunctionCallContent(call.CallId, call.Name, ToolArguments.AsDictionary(call.Arguments)));
        }

        return message;
    }

    private static string Instructions(TaskContract contract, AssembledContext context)
    {
        var text = $"You are an agent working for tenant '{contract.Tenant}' on behalf of '{contract.Actor}'. " +
            "Use the tools offered to reach the goal; every call is checked against policy before it runs. " +
            "When the goal is reached, answer in plain text without calling a tool.";
        return context.Text.Length == 0 ? text : text + "\n\n" + context.Text;
    }

    private static string Request(TaskContract contract) =>
        contract.Inputs is { } inputs ? $"Goal: {contract.Goal}\nInputs: {inputs.GetRawText()}" : $"Goal: {contract.Goal}";
}
