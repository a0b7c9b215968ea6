// The verdict of checking a ledger chain: intact, or the first record that does not hold and why.
namespace Strata.Evidence.Ledger;

/// <summary>Result of <see cref="LedgerChain.Verify"/>.</summary>
/// <param name="Intact">True when every record's hash and link hold and the sequence has no gap.</param>
/// <param name="RecordCount">How many records were checked.</param>
/// <param name="FirstBadSequence">Sequence number of the first record that does not hold; null when intact.</param>
/// <param name="Problem">What is wrong with that record; null when intact.</param>
public sealed record LedgerVerification(bool Intact, int RecordCount, long? FirstBadSequence, string? Problem);
