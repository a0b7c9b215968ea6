// The steps table: its upsert by (task, index), its query, and how a row becomes a StepRecord.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>SQL and row mapping of <see cref="StepRecord"/>.</summary>
internal static class SqliteStepRows
{
    /// <summary>Inserts a step or replaces every column of the row with its (task, index).</summary>
    public const string Upsert = """
        INSERT INTO steps (task_id, idx, kind, status, name, call_id, arguments_hash, idempotency_key, result_hash,
            tool_identity, attempts, updated_ticks, updated_offset_minutes, detail)
        VALUES ($task_id, $idx, $kind, $status, $name, $call_id, $arguments_hash, $idempotency_key, $result_hash,
            $tool_identity, $attempts, $updated_ticks, $updated_offset_minutes, $detail)
        ON CONFLICT (task_id, idx) DO UPDATE SET
            kind = excluded.kind, status = excluded.status, name = excluded.name, call_id = excluded.call_id,
            arguments_hash = excluded.arguments_hash, idempotency_key = excluded.idempotency_key,
            result_hash = excluded.result_hash, tool_identity = excluded.tool_identity, attempts = excluded.attempts,
            updated_ticks = excluded.updated_ticks, updated_offset_minutes = excluded.updated_offset_minutes,
            detail = excluded.detail
        """;

    /// <summary>The steps of <c>$task_id</c> in index order.</summary>
    public const string List = """
        SELECT task_id, idx, kind, status, name, call_id, arguments_hash, idempotency_key, result_hash,
            tool_identity, attempts, updated_ticks, updated_offset_minutes, detail
        FROM steps WHERE task_id = $task_id ORDER BY idx
        """;

    /// <summary>Binds <see cref="Upsert"/>'s parameters.</summary>
    public static void Bind(SqliteCommand command, StepRecord step)
    {
        SqliteValues.Set(command, "$task_id", step.TaskId);
        SqliteValues.Set(command, "$idx", (long)step.Index);
        SqliteValues.Set(command, "$kind", SqliteValues.Name(step.Kind, "step.Kind"));
        SqliteValues.Set(command, "$status", SqliteValues.Name(step.Status, "step.Status"));
        SqliteValues.Set(command, "$name", step.Name);
        SqliteValues.Set(command, "$call_id", step.CallId);
        SqliteValues.Set(command, "$arguments_hash", step.ArgumentsHash);
        SqliteValues.Set(command, "$idempotency_key", step.IdempotencyKey);
        SqliteValues.Set(command, "$result_hash", step.ResultHash);
        SqliteValues.Set(command, "$tool_identity", step.ToolIdentity);
        SqliteValues.Set(command, "$attempts", (long)step.Attempts);
        SqliteValues.SetTime(command, "$updated_ticks", "$updated_offset_minutes", step.UpdatedAt);
        SqliteValues.Set(command, "$detail", step.Detail);
    }

    /// <summary>Reads a row selected by <see cref="List"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static StepRecord Read(SqliteDataReader row) => new(
        TaskId: row.GetString(0),
        Index: SqliteValues.Int32(row, 1, "steps.idx"),
        Kind: SqliteValues.Named<StepKind>(row, 2, "steps.kind"),
        Status: SqliteValues.Named<StepStatus>(row, 3, "steps.status"),
        Name: row.GetString(4),
        CallId: SqliteValues.Text(row, 5),
        ArgumentsHash: SqliteValues.Text(row, 6),
        IdempotencyKey: SqliteValues.Text(row, 7),
        ResultHash: SqliteValues.Text(row, 8),
        ToolIdentity: SqliteValues.Text(row, 9),
        Attempts: SqliteValues.Int32(row, 10, "steps.attempts"),
        UpdatedAt: SqliteValues.Time(row, 11, "steps.updated"),
        Detail: SqliteValues.Text(row, 13));
}
