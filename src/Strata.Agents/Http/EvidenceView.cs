// GET /v1/strata/tasks/{id}/evidence's reply: the task's ledger records as stored, and the verdict of checking their chain.
using Strata.Evidence.Ledger;

namespace Strata.Agents;

/// <summary>
/// A task's evidence. Each record's <c>payload_json</c> is the exact text its hash covers, so a client can check the
/// chain itself with <see cref="LedgerChain.HashOf"/>.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="Object">Always <c>strata.task.evidence</c>.</param>
/// <param name="Records">The ledger in sequence order.</param>
/// <param name="Verify">The verdict of <see cref="LedgerChain.Verify"/> over <paramref name="Records"/>.</param>
internal sealed record EvidenceView(string TaskId, string Object, IReadOnlyList<LedgerEntry> Records, EvidenceView.Verdict Verify)
{
    /// <summary>The ledger of <paramref name="taskId"/> and its verdict.</summary>
    public static EvidenceView Of(string taskId, ICheckpointStore store)
    {
        var entries = store.Ledger(taskId);
        var verdict = LedgerChain.Verify(taskId, entries);
        return new EvidenceView(taskId, "strata.task.evidence", entries, new Verdict(verdict.Intact, verdict.RecordCount, verdict.FirstBadSequence,
            verdict.Problem, entries.Count == 0 ? LedgerChain.Genesis : entries[^1].Hash));
    }

    /// <summary>Whether the chain holds.</summary>
    /// <param name="Intact">True when every record's hash and link hold and the sequence has no gap.</param>
    /// <param name="RecordCount">Records checked.</param>
    /// <param name="FirstBadSequence">The first record that does not hold; null when intact.</param>
    /// <param name="Problem">What is wrong with it; null when intact.</param>
    /// <param name="Head">The last record's hash (the genesis hash for an empty ledger).</param>
    public sealed record Verdict(bool Intact, int RecordCount, long? FirstBadSequence, string? Problem, string Head);
}
