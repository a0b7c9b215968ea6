// GET /v1/strata/tasks/{id}'s reply: where a task stands, its steps in short, and the approvals it waits on.
namespace Strata.Agents;

/// <summary>A task as the task routes show it (written with <see cref="AgentHttp.ReplyOptions"/>: snake_case, nulls kept).</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Object">Always <c>strata.task</c>.</param>
/// <param name="Tenant">Its tenant.</param>
/// <param name="Status">Where it stands (<c>running</c>, <c>waiting_approval</c>, <c>completed</c>, ...).</param>
/// <param name="StopReason">Why it ended or is stopping; null while running or waiting.</param>
/// <param name="Answer">The final answer, once completed.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ParentTaskId">The task that handed it its goal, for a sub-task.</param>
/// <param name="Steps">Its steps in index order, in short.</param>
/// <param name="PendingApprovals">The approvals it waits on.</param>
internal sealed record TaskView(
    string Id,
    string Object,
    string Tenant,
    AgentTaskStatus Status,
    string? StopReason,
    string? Answer,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    string? ParentTaskId,
    IReadOnlyList<TaskView.Step> Steps,
    IReadOnlyList<ApprovalRecord> PendingApprovals)
{
    /// <summary>The task as it stands in <paramref name="store"/>.</summary>
    public static TaskView Of(StoredTask task, ICheckpointStore store)
    {
        var steps = new List<Step>();
        foreach (var step in store.Steps(task.TaskId))
        {
            steps.Add(new Step(step.Index, step.Kind, step.Status, step.Name, step.Attempts, step.Detail));
        }

        return new TaskView(task.TaskId, "strata.task", task.Tenant, task.Status, task.StopReason, task.Answer, task.SubmittedAt,
            task.UpdatedAt, task.ParentTaskId, steps, store.Approvals(task.TaskId, ApprovalStatus.Pending));
    }

    /// <summary>One step in short: the store's row without its hashes and keys.</summary>
    /// <param name="Index">Its position.</param>
    /// <param name="Kind">Model, tool, compensation or validation.</param>
    /// <param name="Status">Where it stands.</param>
    /// <param name="Name">The tool's or the model route's name.</param>
    /// <param name="Attempts">How many times it was started.</param>
    /// <param name="Detail">Why it stands there (the deciding rule, an error).</param>
    public sealed record Step(int Index, StepKind Kind, StepStatus Status, string Name, int Attempts, string? Detail);
}
