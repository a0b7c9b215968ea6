// One atomic write to the store: the task row, steps, approvals, blobs and ledger records that change together.
namespace Strata.Agents;

/// <summary>A ledger record to append: the store chains it (sequence, previous hash, hash) inside the write.</summary>
/// <param name="Kind">What happened (<c>tool.started</c>, ...).</param>
/// <param name="PayloadJson">Its content as JSON, already redacted to what the classification allows.</param>
public sealed record LedgerAppend(string Kind, string PayloadJson);

/// <summary>
/// Changes applied by <see cref="ICheckpointStore.Commit"/> in one transaction: all land or none do. Steps are
/// upserted by (task, index); approvals are inserted only when none exists for their (task, key, kind, identity);
/// blobs are inserted once by content hash; ledger records are appended to the task's chain in order.
/// </summary>
/// <param name="TaskId">The task every change belongs to.</param>
/// <param name="At">When the changes happened (ledger time).</param>
public sealed record Checkpoint(string TaskId, DateTimeOffset At)
{
    /// <summary>The task row to insert or replace; null leaves it as it is.</summary>
    public StoredTask? Task { get; init; }

    /// <summary>Step rows to insert or replace.</summary>
    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    /// <summary>Approvals to raise (insert-if-absent).</summary>
    public IReadOnlyList<ApprovalRecord> Approvals { get; init; } = [];

    /// <summary>Payloads to store by their SHA-256.</summary>
    public IReadOnlyList<byte[]> Blobs { get; init; } = [];

    /// <summary>Memories to keep (inserted once per tenant, key and task).</summary>
    public IReadOnlyList<MemoryRecord> Memories { get; init; } = [];

    /// <summary>Ledger records to append.</summary>
    public IReadOnlyList<LedgerAppend> Evidence { get; init; } = [];
}
