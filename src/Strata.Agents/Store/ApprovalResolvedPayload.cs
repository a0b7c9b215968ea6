// The ledger payload of approval.approved / approval.denied: who decided what about which exact call.
namespace Strata.Agents;

/// <summary>
/// Written with <see cref="AgentJson"/> (snake_case names, the status by its snake_case name) as
/// <c>{approval_id, by, reason, status, step_index, tool, arguments_hash, idempotency_key}</c>.
/// </summary>
/// <param name="ApprovalId">The approval.</param>
/// <param name="By">Who resolved it.</param>
/// <param name="Reason">Why.</param>
/// <param name="Status">Approved or denied.</param>
/// <param name="StepIndex">The step it gates.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="ArgumentsHash">SHA-256 of the exact arguments it authorizes.</param>
/// <param name="IdempotencyKey">The call's key.</param>
internal sealed record ApprovalResolvedPayload(
    string ApprovalId,
    string By,
    string Reason,
    ApprovalStatus Status,
    int StepIndex,
    string Tool,
    string ArgumentsHash,
    string IdempotencyKey)
{
    /// <summary>The ledger kind of an approval that was approved.</summary>
    public const string ApprovedKind = "approval.approved";

    /// <summary>The ledger kind of an approval that was denied.</summary>
    public const string DeniedKind = "approval.denied";

    /// <summary>The ledger kind for this resolution.</summary>
    public string LedgerKind => Status == ApprovalStatus.Approved ? ApprovedKind : DeniedKind;

    /// <summary>The payload of <paramref name="approval"/>'s resolution.</summary>
    public static ApprovalResolvedPayload Of(ApprovalRecord approval, ApprovalStatus status, string by, string reason) =>
        new(approval.ApprovalId, by, reason, status, approval.StepIndex, approval.Tool, approval.ArgumentsHash,
            approval.IdempotencyKey);

    /// <summary>The payload as ledger JSON.</summary>
    public string ToJson() => AgentJson.Write(this);
}
