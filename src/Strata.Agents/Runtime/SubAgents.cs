// Sub-agents as tools: a call runs a sub-task under a narrowed copy of its parent's contract, found again by its key.
using System.Text;
using System.Text.Json;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// Makes the tool of a <see cref="SubAgentSpec"/>. The sub-task's id is derived from the call's idempotency key, so a
/// call made again (after a crash, or once an approval inside the sub-task is resolved) resumes the same sub-task
/// instead of starting another. Nothing the sub-task does escapes the policy: it runs through the same runtime.
/// </summary>
internal static class SubAgents
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        """{"type":"object","properties":{"goal":{"type":"string","maxLength":1000},"inputs":{"type":"object"}},"required":["goal"],"additionalProperties":false}""")
        .RootElement.Clone();

    public static AgentTool Tool(AgentRuntime runtime, SubAgentSpec spec) =>
        new(spec.Name, spec.Description, Schema, new ToolDeclaration { Effects = ToolEffects.None, Idempotent = true },
            (call, cancellationToken) => RunAsync(runtime, spec, call, cancellationToken), "subagent");

    public static string ChildTaskId(string idempotencyKey) =>
        "task_" + EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes("subtask\n" + idempotencyKey))[..26];

    public static TaskContract Narrow(TaskContract parent, SubAgentSpec spec, string goal, JsonElement? inputs) => parent with
    {
        Actor = $"{parent.Actor}/{spec.Name}",
        Scopes = Intersect(spec.Scopes.Count == 0 ? parent.Scopes : spec.Scopes, parent.Scopes, null),
        Tools = Intersect(spec.Tools, parent.Tools, spec.Name),
        Budgets = spec.Budgets.Tighten(parent.Budgets),
        Goal = goal,
        Inputs = inputs,
        Outcome = null,
        Model = spec.Route ?? parent.Model,
    };

    private static async ValueTask<ToolResult> RunAsync(AgentRuntime runtime, SubAgentSpec spec, ToolInvocation call, CancellationToken cancellationToken)
    {
        var childId = ChildTaskId(call.IdempotencyKey);
        if (runtime.Options.Store.FindTask(childId) is null)
        {
            if (!call.Arguments.TryGetProperty("goal", out var goal) || goal.ValueKind != JsonValueKind.String)
            {
                return new ToolResult($"{spec.Name} needs a 'goal' string", IsError: true);
            }

            JsonElement? inputs = call.Arguments.TryGetProperty("inputs", out var given) && given.ValueKind == JsonValueKind.Object ? given : null;
            var parent = runtime.ContractOf(call.TaskId);
            var profile = runtime.Options.Store.FindTask(call.TaskId)?.ProfileJson ?? "{}";
            runtime.Submit(Narrow(parent, spec, goal.GetString()!, inputs), profile, call.TaskId, childId);
        }

        var result = await runtime.RunAsync(childId, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            AgentTaskStatus.Completed => new ToolResult(result.Answer ?? ""),
            AgentTaskStatus.Failed or AgentTaskStatus.Cancelled => new ToolResult($"sub-task {childId} {result.Status}: {result.StopReason}", IsError: true),
            _ => throw new SubTaskWaitingException(childId),
        };
    }

    private static string[] Intersect(IReadOnlyList<string> wanted, IReadOnlyList<string> allowed, string? except)
    {
        var result = new List<string>();
        foreach (var name in wanted)
        {
            if (name != except && allowed.Contains(name) && !result.Contains(name))
            {
                result.Add(name);
            }
        }

        return [.. result];
    }
}
