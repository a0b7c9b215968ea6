// What a finished task kept for later tasks of its tenant: a decision by classification and retention, never a log's side effect.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>A memory: text a task kept under a key for its tenant's later tasks, until it expires.</summary>
/// <param name="Tenant">Whose memory it is; no other tenant reads it.</param>
/// <param name="Key">The name later tasks ask for it by (a context item's <c>memory</c>).</param>
/// <param name="TaskId">The task that kept it.</param>
/// <param name="Classification">The classification of the task that kept it.</param>
/// <param name="Text">What was kept.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="ExpiresAt">When it stops being read.</param>
public sealed record MemoryRecord(
    string Tenant,
    string Key,
    string TaskId,
    DataClassification Classification,
    string Text,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
