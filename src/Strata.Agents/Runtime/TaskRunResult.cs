// Where a run of a task left it: its status, why, its answer, and the approvals it waits on.
namespace Strata.Agents;

/// <summary>What <see cref="AgentRuntime.RunAsync"/> returns.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Status">Its status now.</param>
/// <param name="StopReason">Why it stopped (<c>completed</c>, <c>budget:steps</c>, …); null while running or waiting.</param>
/// <param name="Answer">The final answer, when completed.</param>
/// <param name="PendingApprovals">Approvals it waits on, when waiting.</param>
public sealed record TaskRunResult(
    string TaskId,
    AgentTaskStatus Status,
    string? StopReason,
    string? Answer,
    IReadOnlyList<ApprovalRecord> PendingApprovals);
