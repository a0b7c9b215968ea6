// The tasks table: its upsert, its queries, its owner's compare-and-set and row lock, and how a row becomes a StoredTask.
using Npgsql;

namespace Strata.Agents.PostgreSql;

/// <summary>SQL (for the schema given, already quoted) and row mapping of <see cref="StoredTask"/>.</summary>
internal static class PostgresTaskRows
{
    /// <summary>The columns every query selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = """
        task_id, tenant, contract_json, profile_json, status, stop_reason, answer,
        submitted_ticks, submitted_offset_minutes, updated_ticks, updated_offset_minutes, parent_task_id
        """;

    /// <summary>Inserts a task or replaces every column of the row with its id but its owner.</summary>
    public static string Upsert(string schema) => $"""
        INSERT INTO {schema}.tasks (task_id, tenant, contract_json, profile_json, status, stop_reason, answer,
            submitted_ticks, submitted_offset_minutes, updated_ticks, updated_offset_minutes, parent_task_id)
        VALUES (@task_id, @tenant, @contract_json, @profile_json, @status, @stop_reason, @answer,
            @submitted_ticks, @submitted_offset_minutes, @updated_ticks, @updated_offset_minutes, @parent_task_id)
        ON CONFLICT (task_id) DO UPDATE SET
            tenant = excluded.tenant, contract_json = excluded.contract_json, profile_json = excluded.profile_json,
            status = excluded.status, stop_reason = excluded.stop_reason, answer = excluded.answer,
            submitted_ticks = excluded.submitted_ticks, submitted_offset_minutes = excluded.submitted_offset_minutes,
            updated_ticks = excluded.updated_ticks, updated_offset_minutes = excluded.updated_offset_minutes,
            parent_task_id = excluded.parent_task_id
        """;

    /// <summary>
    /// Locks the row of <c>@task_id</c> until the transaction ends (no row: nothing to lock). Every write transaction
    /// of a task takes it before it reads the task's ledger, so writers of one task queue and those of others do not.
    /// <c>NO KEY UPDATE</c> leaves the row's key free for the foreign-key checks of the rows the transaction inserts.
    /// </summary>
    public static string Lock(string schema) => $"SELECT 1 FROM {schema}.tasks WHERE task_id = @task_id FOR NO KEY UPDATE";

    /// <summary>The task with <c>@task_id</c>.</summary>
    public static string Find(string schema) => $"SELECT {Columns} FROM {schema}.tasks WHERE task_id = @task_id";

    /// <summary>Tasks oldest first, all or only those whose status is <c>@status</c>.</summary>
    public static string List(string schema) => $"""
        SELECT {Columns} FROM {schema}.tasks WHERE @status IS NULL OR status = @status
        ORDER BY submitted_ticks, task_id
        """;

    /// <summary>The owner of <c>@task_id</c> (no row: the task has none).</summary>
    public static string Owner(string schema) => $"SELECT owner FROM {schema}.tasks WHERE task_id = @task_id";

    /// <summary>
    /// Makes <c>@owner</c> the owner of <c>@task_id</c> if its owner is <c>@expected</c> (NULL: none) or already
    /// <c>@owner</c>. One statement: a concurrent claim waits for the row and then sees the winner's owner.
    /// </summary>
    public static string Claim(string schema) => $"""
        UPDATE {schema}.tasks SET owner = @owner
        WHERE task_id = @task_id AND (owner IS NOT DISTINCT FROM @expected OR owner = @owner)
        """;

    /// <summary>The tasks <c>@owner</c> owns oldest first, all or only those whose status is <c>@status</c>.</summary>
    public static string ListOwned(string schema) => $"""
        SELECT {Columns} FROM {schema}.tasks WHERE owner = @owner AND (@status IS NULL OR status = @status)
        ORDER BY submitted_ticks, task_id
        """;

    /// <summary>Binds <see cref="Upsert"/>'s parameters.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, StoredTask task)
    {
        PostgresValues.Text(parameters, "task_id", task.TaskId);
        PostgresValues.Text(parameters, "tenant", task.Tenant);
        PostgresValues.Text(parameters, "contract_json", task.ContractJson);
        PostgresValues.Text(parameters, "profile_json", task.ProfileJson);
        PostgresValues.Name<AgentTaskStatus>(parameters, "status", task.Status, "task.Status");
        PostgresValues.Text(parameters, "stop_reason", task.StopReason);
        PostgresValues.Text(parameters, "answer", task.Answer);
        PostgresValues.Time(parameters, "submitted", task.SubmittedAt);
        PostgresValues.Time(parameters, "updated", task.UpdatedAt);
        PostgresValues.Text(parameters, "parent_task_id", task.ParentTaskId);
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static StoredTask Read(NpgsqlDataReader row) => new(
        TaskId: row.GetString(0),
        Tenant: row.GetString(1),
        ContractJson: row.GetString(2),
        ProfileJson: row.GetString(3),
        Status: PostgresValues.Named<AgentTaskStatus>(row, 4, "tasks.status"),
        StopReason: PostgresValues.Text(row, 5),
        Answer: PostgresValues.Text(row, 6),
        SubmittedAt: PostgresValues.Time(row, 7, "tasks.submitted"),
        UpdatedAt: PostgresValues.Time(row, 9, "tasks.updated"),
        ParentTaskId: PostgresValues.Text(row, 11));
}
