// A request for a person's approval, bound to one exact call, and its resolution.
namespace Strata.Agents;

/// <summary>Why an approval was raised; persisted by name, values append-only.</summary>
public enum ApprovalKind
{
    /// <summary>A policy rule requires approval for the call.</summary>
    Policy = 0,

    /// <summary>A non-idempotent call was in doubt after a crash: approve re-runs it, deny does not.</summary>
    InDoubt = 1,

    /// <summary>The answer failed a check whose contract says escalate: approve accepts it, deny fails the task.</summary>
    Outcome = 2,
}

/// <summary>Where an approval stands; persisted by name, values append-only.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for a person.</summary>
    Pending = 0,

    /// <summary>Approved.</summary>
    Approved = 1,

    /// <summary>Denied.</summary>
    Denied = 2,
}

/// <summary>
/// An approval. It binds to the tool's identity, the hash of its exact arguments and the call's idempotency key:
/// it authorizes that call and nothing else. At most one exists per (task, key, kind, tool identity).
/// </summary>
/// <param name="ApprovalId">Its id (<c>apr_</c> and 26 characters).</param>
/// <param name="TaskId">The task.</param>
/// <param name="Tenant">The task's tenant (for listing and for who may resolve it).</param>
/// <param name="StepIndex">The step it gates.</param>
/// <param name="Kind">Why it was raised.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="ToolIdentity">The tool's identity hash.</param>
/// <param name="ArgumentsHash">SHA-256 of the exact arguments.</param>
/// <param name="IdempotencyKey">The call's key.</param>
/// <param name="Rule">The rule that required it (or <c>in-doubt</c>).</param>
/// <param name="Reason">Why, in words, for the approver.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="ResolvedBy">Who resolved it.</param>
/// <param name="ResolutionReason">Why they did.</param>
/// <param name="ResolvedAt">When.</param>
public sealed record ApprovalRecord(
    string ApprovalId,
    string TaskId,
    string Tenant,
    int StepIndex,
    ApprovalKind Kind,
    string Tool,
    string ToolIdentity,
    string ArgumentsHash,
    string IdempotencyKey,
    string Rule,
    string Reason,
    ApprovalStatus Status,
    DateTimeOffset RaisedAt,
    string? ResolvedBy = null,
    string? ResolutionReason = null,
    DateTimeOffset? ResolvedAt = null);

/// <summary>What resolving an approval did.</summary>
public enum ApprovalResolution
{
    /// <summary>It was pending and is now resolved.</summary>
    Resolved = 0,

    /// <summary>No approval has that id.</summary>
    NotFound = 1,

    /// <summary>It was already resolved; nothing changed.</summary>
    AlreadyResolved = 2,
}
