// The durable store of tasks, steps, approvals, payloads and the evidence ledger: on SQLite, or on PostgreSQL (Strata.Agents.PostgreSql).
using Strata.Evidence.Ledger;

namespace Strata.Agents;

/// <summary>
/// Where tasks live between steps and across restarts. Every method is safe to call from several processes on
/// the same store (a runner and an approver). A damaged store raises <see cref="StoreException"/>.
/// </summary>
public interface ICheckpointStore : IDisposable
{
    /// <summary>Applies a checkpoint atomically.</summary>
    void Commit(Checkpoint checkpoint);

    /// <summary>The task with this id, or null.</summary>
    StoredTask? FindTask(string taskId);

    /// <summary>Tasks, oldest first, optionally only those with a status.</summary>
    IReadOnlyList<StoredTask> Tasks(AgentTaskStatus? status = null);

    /// <summary>A task's steps in index order.</summary>
    IReadOnlyList<StepRecord> Steps(string taskId);

    /// <summary>Approvals, oldest first, optionally of one task and of one status.</summary>
    IReadOnlyList<ApprovalRecord> Approvals(string? taskId = null, ApprovalStatus? status = null);

    /// <summary>The approval with this id, or null.</summary>
    ApprovalRecord? FindApproval(string approvalId);

    /// <summary>
    /// Resolves a pending approval and appends <c>approval.approved</c> or <c>approval.denied</c> to its task's
    /// ledger, in one transaction.
    /// </summary>
    ApprovalResolution ResolveApproval(string approvalId, ApprovalStatus status, string resolvedBy, string reason, DateTimeOffset at);

    /// <summary>The payload with this SHA-256, or null.</summary>
    byte[]? FindBlob(string sha256);

    /// <summary>A tenant's memories under a key that exist and have not expired at <paramref name="at"/>, oldest first.</summary>
    IReadOnlyList<MemoryRecord> Memories(string tenant, string key, DateTimeOffset at);

    /// <summary>A task's ledger in sequence order.</summary>
    IReadOnlyList<LedgerEntry> Ledger(string taskId);
}
