// One record of a task's evidence ledger: what happened, when, and the hashes that chain it to the record before.
namespace Strata.Evidence.Ledger;

/// <summary>
/// One append-only ledger record. <see cref="Hash"/> is <see cref="LedgerChain.HashOf"/> over every other field,
/// including <see cref="PreviousHash"/>, so changing any byte of any record breaks the chain at that record.
/// </summary>
/// <param name="TaskId">The task the record belongs to (each task has its own chain).</param>
/// <param name="Sequence">Position in the task's chain, from 0 without gaps.</param>
/// <param name="Kind">What happened, a stable dotted name (<c>task.submitted</c>, <c>tool.completed</c>, ...).</param>
/// <param name="At">When it was recorded.</param>
/// <param name="PayloadJson">The record's content as JSON, already redacted to what its classification allows.</param>
/// <param name="PreviousHash">Hash of record <c>Sequence - 1</c>, or <see cref="LedgerChain.Genesis"/> for the first.</param>
/// <param name="Hash">Hash of this record.</param>
public sealed record LedgerEntry(
    string TaskId,
    long Sequence,
    string Kind,
    DateTimeOffset At,
    string PayloadJson,
    string PreviousHash,
    string Hash);
