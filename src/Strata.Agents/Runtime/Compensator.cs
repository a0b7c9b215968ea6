// Stopping a task: pending calls are refused and the compensations of its completed calls are planned, newest first.
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>
/// Plans the stop of a failed or cancelled task. Planning is idempotent (a resumed stop plans nothing twice): each
/// completed tool step whose tool declares a compensating tool gets one compensation step, in reverse order,
/// carrying the original arguments and a key of its own. The steps then run like tool calls, checkpointed.
/// </summary>
internal static class Compensator
{
    public static void BeginStop(RunScope scope, string reason)
    {
        scope.Commit([], [LedgerPayload.Record("task.stopping", new JsonObject { ["reason"] = reason })],
            task: scope.WithStatus(AgentTaskStatus.Compensating, reason));
        Plan(scope);
    }

    public static void Plan(RunScope scope)
    {
        var changes = new List<StepRecord>();
        var planned = new JsonArray();
        var compensated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in scope.Steps)
        {
            if (step.Kind == StepKind.Compensation && step.CallId is not null)
            {
                compensated.Add(step.CallId);
            }
        }

        for (var index = scope.Steps.Count - 1; index >= 0; index--)
        {
            var step = scope.Steps[index];
            if (step.Kind == StepKind.Model && step.Status == StepStatus.Started
                || step.Kind == StepKind.Validation && step.Status == StepStatus.AwaitingApproval)
            {
                changes.Add(step with { Status = StepStatus.Failed, UpdatedAt = scope.Now, Detail = "task stopped: " + scope.Task.StopReason });
                continue;
            }

            if (step.Kind == StepKind.Tool && step.Status is StepStatus.Planned or StepStatus.AwaitingApproval)
            {
                changes.Add(step with { Status = StepStatus.Denied, UpdatedAt = scope.Now, Detail = "task stopped: " + scope.Task.StopReason });
                continue;
            }

            var compensating = scope.Options.Tools.Find(step.Name)?.Declaration.CompensatingTool;
            if (step.Kind != StepKind.Tool || step.Status != StepStatus.Completed || compensating is null
                || compensated.Contains(step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                continue;
            }

            var at = scope.Steps.Count + planned.Count;
            changes.Add(new StepRecord(scope.TaskId, at, StepKind.Compensation, StepStatus.Planned, compensating,
                step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), step.ArgumentsHash,
                TaskIds.IdempotencyKey(scope.TaskId, step.Index) + "/compensate", null,
                scope.Options.Tools.Find(compensating)?.Identity, 0, scope.Now, null));
            planned.Add(new JsonObject { ["step"] = at, ["undoes"] = step.Index, ["tool"] = compensating });
        }

        if (changes.Count > 0)
        {
            scope.Commit(changes, planned.Count == 0 ? [] : [LedgerPayload.Record("compensation.planned", new JsonObject { ["steps"] = planned })]);
        }
    }
}
