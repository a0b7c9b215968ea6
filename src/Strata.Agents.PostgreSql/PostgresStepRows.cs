// The steps table: its upsert by (task, index), its query, and how a row becomes a StepRecord.
using Npgsql;

namespace Strata.Agents.PostgreSql;

/// <summary>SQL (for the schema given, already quoted) and row mapping of <see cref="StepRecord"/>.</summary>
internal static class PostgresStepRows
{
    /// <summary>The columns <see cref="List"/> selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = """
        task_id, idx, kind, status, name, call_id, arguments_hash, idempotency_key, result_hash,
        tool_identity, attempts, updated_ticks, updated_offset_minutes, detail
        """;

    /// <summary>Inserts a step or replaces every column of the row with its (task, index).</summary>
    public static string Upsert(string schema) => $"""
        INSERT INTO {schema}.steps ({Columns})
        VALUES (@task_id, @idx, @kind, @status, @name, @call_id, @arguments_hash, @idempotency_key, @result_hash,
            @tool_identity, @attempts, @updated_ticks, @updated_offset_minutes, @detail)
        ON CONFLICT (task_id, idx) DO UPDATE SET
            kind = excluded.kind, status = excluded.status, name = excluded.name, call_id = excluded.call_id,
            arguments_hash = excluded.arguments_hash, idempotency_key = excluded.idempotency_key,
            result_hash = excluded.result_hash, tool_identity = excluded.tool_identity, attempts = excluded.attempts,
            updated_ticks = excluded.updated_ticks, updated_offset_minutes = excluded.updated_offset_minutes,
            detail = excluded.detail
        """;

    /// <summary>The steps of <c>@task_id</c> in index order.</summary>
    public static string List(string schema) => $"SELECT {Columns} FROM {schema}.steps WHERE task_id = @task_id ORDER BY idx";

    /// <summary>Binds <see cref="Upsert"/>'s parameters.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, StepRecord step)
    {
        PostgresValues.Text(parameters, "task_id", step.TaskId);
        PostgresValues.Int32(parameters, "idx", step.Index);
        PostgresValues.Name<StepKind>(parameters, "kind", step.Kind, "step.Kind");
        PostgresValues.Name<StepStatus>(parameters, "status", step.Status, "step.Status");
        PostgresValues.Text(parameters, "name", step.Name);
        PostgresValues.Text(parameters, "call_id", step.CallId);
        PostgresValues.Text(parameters, "arguments_hash", step.ArgumentsHash);
        PostgresValues.Text(parameters, "idempotency_key", step.IdempotencyKey);
        PostgresValues.Text(parameters, "result_hash", step.ResultHash);
        PostgresValues.Text(parameters, "tool_identity", step.ToolIdentity);
        PostgresValues.Int32(parameters, "attempts", step.Attempts);
        PostgresValues.Time(parameters, "updated", step.UpdatedAt);
        PostgresValues.Text(parameters, "detail", step.Detail);
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static StepRecord Read(NpgsqlDataReader row) => new(
        TaskId: row.GetString(0),
        Index: row.GetInt32(1),
        Kind: PostgresValues.Named<StepKind>(row, 2, "steps.kind"),
        Status: PostgresValues.Named<StepStatus>(row, 3, "steps.status"),
        Name: row.GetString(4),
        CallId: PostgresValues.Text(row, 5),
        ArgumentsHash: PostgresValues.Text(row, 6),
        IdempotencyKey: PostgresValues.Text(row, 7),
        ResultHash: PostgresValues.Text(row, 8),
        ToolIdentity: PostgresValues.Text(row, 9),
        Attempts: row.GetInt32(10),
        UpdatedAt: PostgresValues.Time(row, 11, "steps.updated"),
        Detail: PostgresValues.Text(row, 13));
}
