// A task as the store holds it: its contract and run profile, its status and, once it ends, its outcome.
namespace Strata.Agents;

/// <summary>A task's lifecycle state; persisted by name, values append-only.</summary>
public enum AgentTaskStatus
{
    /// <summary>Submitted or running; a resume picks it up.</summary>
    Running = 0,

    /// <summary>Paused until a person resolves an approval.</summary>
    WaitingApproval = 1,

    /// <summary>Finished with an answer that passed its checks.</summary>
    Completed = 2,

    /// <summary>Stopped (budget, deadline, failed check, error); its compensations have run.</summary>
    Failed = 3,

    /// <summary>Cancelled by a person; its compensations have run.</summary>
    Cancelled = 4,

    /// <summary>Stopping: compensations of its completed steps are running (a resume finishes them).</summary>
    Compensating = 5,
}

/// <summary>One task row.</summary>
/// <param name="TaskId">Its id (<c>task_</c> and 26 characters).</param>
/// <param name="Tenant">The contract's tenant (copied for listing by tenant).</param>
/// <param name="ContractJson">The validated contract, with hash-only context text removed.</param>
/// <param name="ProfileJson">How it runs (policy file, model routes, tool sources), so a resume runs it the same way.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="StopReason">Why it ended or is stopping (<c>completed</c>, <c>budget:steps</c>, <c>deadline</c>, ...).</param>
/// <param name="Answer">The final answer, when it completed (subject to the contract's retention).</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="UpdatedAt">When its row last changed.</param>
/// <param name="ParentTaskId">The task that handed it this goal, for a sub-task.</param>
public sealed record StoredTask(
    string TaskId,
    string Tenant,
    string ContractJson,
    string ProfileJson,
    AgentTaskStatus Status,
    string? StopReason,
    string? Answer,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    string? ParentTaskId = null)
{
    /// <summary>True once nothing more will run.</summary>
    public bool IsTerminal => Status is AgentTaskStatus.Completed or AgentTaskStatus.Failed or AgentTaskStatus.Cancelled;
}
