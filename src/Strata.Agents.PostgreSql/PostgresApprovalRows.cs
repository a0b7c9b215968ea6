// The approvals table: insert-if-absent on (task, key, kind, identity), resolution, queries, and row mapping.
using Npgsql;

namespace Strata.Agents.PostgreSql;

/// <summary>SQL (for the schema given, already quoted) and row mapping of <see cref="ApprovalRecord"/>.</summary>
internal static class PostgresApprovalRows
{
    /// <summary>The columns every query selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = """
        approval_id, task_id, tenant, step_index, kind, tool, tool_identity, arguments_hash, idempotency_key, rule,
        reason, status, raised_ticks, raised_offset_minutes, resolved_by, resolution_reason, resolved_ticks,
        resolved_offset_minutes
        """;

    /// <summary>
    /// Inserts an approval unless one exists for its (task, idempotency key, kind, tool identity). Only that
    /// conflict is ignored: another approval with the same id is an error, not a silent no-op.
    /// </summary>
    public static string InsertIfAbsent(string schema) => $"""
        INSERT INTO {schema}.approvals ({Columns})
        VALUES (@approval_id, @task_id, @tenant, @step_index, @kind, @tool, @tool_identity, @arguments_hash,
            @idempotency_key, @rule, @reason, @status, @raised_ticks, @raised_offset_minutes, @resolved_by,
            @resolution_reason, @resolved_ticks, @resolved_offset_minutes)
        ON CONFLICT (task_id, idempotency_key, kind, tool_identity) DO NOTHING
        """;

    /// <summary>Resolves <c>@approval_id</c> if it is still pending (the count of rows changed says whether it was).</summary>
    public static string Resolve(string schema) => $"""
        UPDATE {schema}.approvals SET status = @status, resolved_by = @resolved_by, resolution_reason = @resolution_reason,
            resolved_ticks = @resolved_ticks, resolved_offset_minutes = @resolved_offset_minutes
        WHERE approval_id = @approval_id AND status = '{nameof(ApprovalStatus.Pending)}'
        """;

    /// <summary>The approval with <c>@approval_id</c>.</summary>
    public static string Find(string schema) => $"SELECT {Columns} FROM {schema}.approvals WHERE approval_id = @approval_id";

    /// <summary>Approvals oldest first, optionally only of <c>@task_id</c> and only with <c>@status</c>.</summary>
    public static string List(string schema) => $"""
        SELECT {Columns} FROM {schema}.approvals
        WHERE (@task_id IS NULL OR task_id = @task_id) AND (@status IS NULL OR status = @status)
        ORDER BY raised_ticks, approval_id
        """;

    /// <summary>Binds <see cref="InsertIfAbsent"/>'s parameters.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, ApprovalRecord approval)
    {
        PostgresValues.Text(parameters, "approval_id", approval.ApprovalId);
        PostgresValues.Text(parameters, "task_id", approval.TaskId);
        PostgresValues.Text(parameters, "tenant", approval.Tenant);
        PostgresValues.Int32(parameters, "step_index", approval.StepIndex);
        PostgresValues.Name<ApprovalKind>(parameters, "kind", approval.Kind, "approval.Kind");
        PostgresValues.Text(parameters, "tool", approval.Tool);
        PostgresValues.Text(parameters, "tool_identity", approval.ToolIdentity);
        PostgresValues.Text(parameters, "arguments_hash", approval.ArgumentsHash);
        PostgresValues.Text(parameters, "idempotency_key", approval.IdempotencyKey);
        PostgresValues.Text(parameters, "rule", approval.Rule);
        PostgresValues.Text(parameters, "reason", approval.Reason);
        PostgresValues.Name<ApprovalStatus>(parameters, "status", approval.Status, "approval.Status");
        PostgresValues.Time(parameters, "raised", approval.RaisedAt);
        PostgresValues.Text(parameters, "resolved_by", approval.ResolvedBy);
        PostgresValues.Text(parameters, "resolution_reason", approval.ResolutionReason);
        PostgresValues.Time(parameters, "resolved", approval.ResolvedAt);
    }

    /// <summary>Binds <see cref="Resolve"/>'s parameters.</summary>
    public static void BindResolve(NpgsqlParameterCollection parameters, string approvalId, ApprovalStatus status,
        string resolvedBy, string reason, DateTimeOffset at)
    {
        PostgresValues.Text(parameters, "approval_id", approvalId);
        PostgresValues.Name<ApprovalStatus>(parameters, "status", status, "status");
        PostgresValues.Text(parameters, "resolved_by", resolvedBy);
        PostgresValues.Text(parameters, "resolution_reason", reason);
        PostgresValues.Time(parameters, "resolved", at);
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static ApprovalRecord Read(NpgsqlDataReader row) => new(
        ApprovalId: row.GetString(0),
        TaskId: row.GetString(1),
        Tenant: row.GetString(2),
        StepIndex: row.GetInt32(3),
        Kind: PostgresValues.Named<ApprovalKind>(row, 4, "approvals.kind"),
        Tool: row.GetString(5),
        ToolIdentity: row.GetString(6),
        ArgumentsHash: row.GetString(7),
        IdempotencyKey: row.GetString(8),
        Rule: row.GetString(9),
        Reason: row.GetString(10),
        Status: PostgresValues.Named<ApprovalStatus>(row, 11, "approvals.status"),
        RaisedAt: PostgresValues.Time(row, 12, "approvals.raised"),
        ResolvedBy: PostgresValues.Text(row, 14),
        ResolutionReason: PostgresValues.Text(row, 15),
        ResolvedAt: PostgresValues.OptionalTime(row, 16, "approvals.resolved"));
}
