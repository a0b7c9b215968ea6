// The tasks table: its upsert, its queries, its owner's compare-and-set, and how a row becomes a StoredTask.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>SQL and row mapping of <see cref="StoredTask"/>.</summary>
internal static class SqliteTaskRows
{
    /// <summary>Inserts a task or replaces every column of the row with its id but its owner.</summary>
    public const string Upsert = """
        INSERT INTO tasks (task_id, tenant, contract_json, profile_json, status, stop_reason, answer,
            submitted_ticks, submitted_offset_minutes, updated_ticks, updated_offset_minutes, parent_task_id)
        VALUES ($task_id, $tenant, $contract_json, $profile_json, $status, $stop_reason, $answer,
            $submitted_ticks, $submitted_offset_minutes, $updated_ticks, $updated_offset_minutes, $parent_task_id)
        ON CONFLICT (task_id) DO UPDATE SET
            tenant = excluded.tenant, contract_json = excluded.contract_json, profile_json = excluded.profile_json,
            status = excluded.status, stop_reason = excluded.stop_reason, answer = excluded.answer,
            submitted_ticks = excluded.submitted_ticks, submitted_offset_minutes = excluded.submitted_offset_minutes,
            updated_ticks = excluded.updated_ticks, updated_offset_minutes = excluded.updated_offset_minutes,
            parent_task_id = excluded.parent_task_id
        """;

    /// <summary>The task with <c>$task_id</c>.</summary>
    public const string Find = $"SELECT {Columns} FROM tasks WHERE task_id = $task_id";

    /// <summary>Tasks oldest first, all or only those whose status is <c>$status</c>.</summary>
    public const string List = $"""
        SELECT {Columns} FROM tasks WHERE $status IS NULL OR status = $status
        ORDER BY submitted_ticks, task_id
        """;

    /// <summary>The owner of <c>$task_id</c> (no row: the task has none).</summary>
    public const string Owner = "SELECT owner FROM tasks WHERE task_id = $task_id";

    /// <summary>Makes <c>$owner</c> the owner of <c>$task_id</c> if its owner is <c>$expected</c> (NULL: none) or already <c>$owner</c>.</summary>
    public const string Claim = """
        UPDATE tasks SET owner = $owner
        WHERE task_id = $task_id AND (owner IS $expected OR owner = $owner)
        """;

    /// <summary>The tasks <c>$owner</c> owns oldest first, all or only those whose status is <c>$status</c>.</summary>
    public const string ListOwned = $"""
        SELECT {Columns} FROM tasks WHERE owner = $owner AND ($status IS NULL OR status = $status)
        ORDER BY submitted_ticks, task_id
        """;

    private const string Columns = """
        task_id, tenant, contract_json, profile_json, status, stop_reason, answer,
        submitted_ticks, submitted_offset_minutes, updated_ticks, updated_offset_minutes, parent_task_id
        """;

    /// <summary>Binds <see cref="Upsert"/>'s parameters.</summary>
    public static void Bind(SqliteCommand command, StoredTask task)
    {
        SqliteValues.Set(command, "$task_id", task.TaskId);
        SqliteValues.Set(command, "$tenant", task.Tenant);
        SqliteValues.Set(command, "$contract_json", task.ContractJson);
        SqliteValues.Set(command, "$profile_json", task.ProfileJson);
        SqliteValues.Set(command, "$status", SqliteValues.Name(task.Status, "task.Status"));
        SqliteValues.Set(command, "$stop_reason", task.StopReason);
        SqliteValues.Set(command, "$answer", task.Answer);
        SqliteValues.SetTime(command, "$submitted_ticks", "$submitted_offset_minutes", task.SubmittedAt);
        SqliteValues.SetTime(command, "$updated_ticks", "$updated_offset_minutes", task.UpdatedAt);
        SqliteValues.Set(command, "$parent_task_id", task.ParentTaskId);
    }

    /// <summary>Reads a row selected with this class's columns.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static StoredTask Read(SqliteDataReader row) => new(
        TaskId: row.GetString(0),
        Tenant: row.GetString(1),
        ContractJson: row.GetString(2),
        ProfileJson: row.GetString(3),
        Status: SqliteValues.Named<AgentTaskStatus>(row, 4, "tasks.status"),
        StopReason: SqliteValues.Text(row, 5),
        Answer: SqliteValues.Text(row, 6),
        SubmittedAt: SqliteValues.Time(row, 7, "tasks.submitted"),
        UpdatedAt: SqliteValues.Time(row, 9, "tasks.updated"),
        ParentTaskId: SqliteValues.Text(row, 11));
}
