// The approvals table: insert-if-absent on (task, key, kind, identity), resolution, queries, and row mapping.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>SQL and row mapping of <see cref="ApprovalRecord"/>.</summary>
internal static class SqliteApprovalRows
{
    /// <summary>
    /// Inserts an approval unless one exists for its (task, idempotency key, kind, tool identity). Only that
    /// conflict is ignored: another approval with the same id is an error, not a silent no-op.
    /// </summary>
    public const string InsertIfAbsent = """
        INSERT INTO approvals (approval_id, task_id, tenant, step_index, kind, tool, tool_identity, arguments_hash,
            idempotency_key, rule, reason, status, raised_ticks, raised_offset_minutes, resolved_by,
            resolution_reason, resolved_ticks, resolved_offset_minutes)
        VALUES ($approval_id, $task_id, $tenant, $step_index, $kind, $tool, $tool_identity, $arguments_hash,
            $idempotency_key, $rule, $reason, $status, $raised_ticks, $raised_offset_minutes, $resolved_by,
            $resolution_reason, $resolved_ticks, $resolved_offset_minutes)
        ON CONFLICT (task_id, idempotency_key, kind, tool_identity) DO NOTHING
        """;

    /// <summary>Resolves <c>$approval_id</c> if it is still pending.</summary>
    public const string Resolve = $"""
        UPDATE approvals SET status = $status, resolved_by = $resolved_by, resolution_reason = $resolution_reason,
            resolved_ticks = $resolved_ticks, resolved_offset_minutes = $resolved_offset_minutes
        WHERE approval_id = $approval_id AND status = '{nameof(ApprovalStatus.Pending)}'
        """;

    /// <summary>The approval with <c>$approval_id</c>.</summary>
    public const string Find = $"SELECT {Columns} FROM approvals WHERE approval_id = $approval_id";

    /// <summary>Approvals oldest first, optionally only of <c>$task_id</c> and only with <c>$status</c>.</summary>
    public const string List = $"""
        SELECT {Columns} FROM approvals
        WHERE ($task_id IS NULL OR task_id = $task_id) AND ($status IS NULL OR status = $status)
        ORDER BY raised_ticks, approval_id
        """;

    private const string Columns = """
        approval_id, task_id, tenant, step_index, kind, tool, tool_identity, arguments_hash, idempotency_key, rule,
        reason, status, raised_ticks, raised_offset_minutes, resolved_by, resolution_reason, resolved_ticks,
        resolved_offset_minutes
        """;

    /// <summary>Binds <see cref="InsertIfAbsent"/>'s parameters.</summary>
    public static void Bind(SqliteCommand command, ApprovalRecord approval)
    {
        SqliteValues.Set(command, "$approval_id", approval.ApprovalId);
        SqliteValues.Set(command, "$task_id", approval.TaskId);
        SqliteValues.Set(command, "$tenant", approval.Tenant);
        SqliteValues.Set(command, "$step_index", (long)approval.StepIndex);
        SqliteValues.Set(command, "$kind", SqliteValues.Name(approval.Kind, "approval.Kind"));
        SqliteValues.Set(command, "$tool", approval.Tool);
        SqliteValues.Set(command, "$tool_identity", approval.ToolIdentity);
        SqliteValues.Set(command, "$arguments_hash", approval.ArgumentsHash);
        SqliteValues.Set(command, "$idempotency_key", approval.IdempotencyKey);
        SqliteValues.Set(command, "$rule", approval.Rule);
        SqliteValues.Set(command, "$reason", approval.Reason);
        SqliteValues.Set(command, "$status", SqliteValues.Name(approval.Status, "approval.Status"));
        SqliteValues.SetTime(command, "$raised_ticks", "$raised_offset_minutes", approval.RaisedAt);
        SqliteValues.Set(command, "$resolved_by", approval.ResolvedBy);
        SqliteValues.Set(command, "$resolution_reason", approval.ResolutionReason);
        SqliteValues.SetTime(command, "$resolved_ticks", "$resolved_offset_minutes", approval.ResolvedAt);
    }

    /// <summary>Binds <see cref="Resolve"/>'s parameters.</summary>
    public static void BindResolve(SqliteCommand command, string approvalId, ApprovalStatus status, string resolvedBy,
        string reason, DateTimeOffset at)
    {
        SqliteValues.Set(command, "$approval_id", approvalId);
        SqliteValues.Set(command, "$status", SqliteValues.Name(status, "status"));
        SqliteValues.Set(command, "$resolved_by", resolvedBy);
        SqliteValues.Set(command, "$resolution_reason", reason);
        SqliteValues.SetTime(command, "$resolved_ticks", "$resolved_offset_minutes", at);
    }

    /// <summary>Reads a row selected with this class's columns.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static ApprovalRecord Read(SqliteDataReader row) => new(
        ApprovalId: row.GetString(0),
        TaskId: row.GetString(1),
        Tenant: row.GetString(2),
        StepIndex: SqliteValues.Int32(row, 3, "approvals.step_index"),
        Kind: SqliteValues.Named<ApprovalKind>(row, 4, "approvals.kind"),
        Tool: row.GetString(5),
        ToolIdentity: row.GetString(6),
        ArgumentsHash: row.GetString(7),
        IdempotencyKey: row.GetString(8),
        Rule: row.GetString(9),
        Reason: row.GetString(10),
        Status: SqliteValues.Named<ApprovalStatus>(row, 11, "approvals.status"),
        RaisedAt: SqliteValues.Time(row, 12, "approvals.raised"),
        ResolvedBy: SqliteValues.Text(row, 14),
        ResolutionReason: SqliteValues.Text(row, 15),
        ResolvedAt: SqliteValues.OptionalTime(row, 16, "approvals.resolved"));
}
