// A store that fails on demand as a damaged file does (StoreException), around a real SQLite store.
using Strata.Evidence.Ledger;

namespace Strata.Agents.Tests.Http;

internal sealed class FailingStore(ICheckpointStore inner) : ICheckpointStore
{
    public const string Message = "store 'tasks.db': database disk image is malformed (test)";

    /// <summary>While true every call throws <see cref="StoreException"/>.</summary>
    public bool Failing { get; set; }

    public void Commit(Checkpoint checkpoint) => Check(() => { inner.Commit(checkpoint); return 0; });

    public StoredTask? FindTask(string taskId) => Check(() => inner.FindTask(taskId));

    public IReadOnlyList<StoredTask> Tasks(AgentTaskStatus? status = null) => Check(() => inner.Tasks(status));

    public IReadOnlyList<StepRecord> Steps(string taskId) => Check(() => inner.Steps(taskId));

    public IReadOnlyList<ApprovalRecord> Approvals(string? taskId = null, ApprovalStatus? status = null) => Check(() => inner.Approvals(taskId, status));

    public ApprovalRecord? FindApproval(string approvalId) => Check(() => inner.FindApproval(approvalId));

    public ApprovalResolution ResolveApproval(string approvalId, ApprovalStatus status, string resolvedBy, string reason, DateTimeOffset at) =>
        Check(() => inner.ResolveApproval(approvalId, status, resolvedBy, reason, at));

    public byte[]? FindBlob(string sha256) => Check(() => inner.FindBlob(sha256));

    public IReadOnlyList<MemoryRecord> Memories(string tenant, string key, DateTimeOffset at) => Check(() => inner.Memories(tenant, key, at));

    public IReadOnlyList<LedgerEntry> Ledger(string taskId) => Check(() => inner.Ledger(taskId));

    public void Dispose() => inner.Dispose();

    private T Check<T>(Func<T> call) => Failing ? throw new StoreException(Message) : call();
}
