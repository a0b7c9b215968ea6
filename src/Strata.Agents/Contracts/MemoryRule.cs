// What a task may keep as memory for later tasks: under which key, up to which classification, for how long.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A contract's memory rule. When the task completes its answer is kept under <see cref="Key"/> for its tenant,
/// but only when the task's classification is at most <see cref="MaxClassification"/>; either way the decision
/// is recorded in the ledger.
/// </summary>
public sealed record MemoryRule
{
    /// <summary>The key later tasks read it by.</summary>
    public required string Key { get; init; }

    /// <summary>The highest classification whose answer may be kept.</summary>
    public DataClassification MaxClassification { get; init; } = DataClassification.Internal;

    /// <summary>How many days it is kept.</summary>
    public int RetentionDays { get; init; } = 30;
}
