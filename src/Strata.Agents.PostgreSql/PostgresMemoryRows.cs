// The memories table: insert-once per (tenant, key, task), the query of what has not expired, and row mapping.
using Npgsql;
using Strata.Evidence;

namespace Strata.Agents.PostgreSql;

/// <summary>SQL (for the schema given, already quoted) and row mapping of <see cref="MemoryRecord"/>.</summary>
internal static class PostgresMemoryRows
{
    /// <summary>The columns every query selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = """
        tenant, key, task_id, classification, text, created_ticks, created_offset_minutes, expires_ticks,
        expires_offset_minutes
        """;

    /// <summary>Inserts a memory unless its (tenant, key, task) has one.</summary>
    public static string Insert(string schema) => $"""
        INSERT INTO {schema}.memories ({Columns})
        VALUES (@tenant, @key, @task_id, @classification, @text, @created_ticks, @created_offset_minutes,
            @expires_ticks, @expires_offset_minutes)
        ON CONFLICT (tenant, key, task_id) DO NOTHING
        """;

    /// <summary>The memories of <c>@tenant</c> under <c>@key</c> that exist and have not expired at <c>@at_ticks</c>, oldest first.</summary>
    public static string List(string schema) => $"""
        SELECT {Columns} FROM {schema}.memories
        WHERE tenant = @tenant AND key = @key AND created_ticks <= @at_ticks AND expires_ticks > @at_ticks
        ORDER BY created_ticks, task_id
        """;

    /// <summary>Binds <see cref="Insert"/>'s parameters.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, MemoryRecord memory)
    {
        PostgresValues.Text(parameters, "tenant", memory.Tenant);
        PostgresValues.Text(parameters, "key", memory.Key);
        PostgresValues.Text(parameters, "task_id", memory.TaskId);
        PostgresValues.Name<DataClassification>(parameters, "classification", memory.Classification, nameof(memory.Classification));
        PostgresValues.Text(parameters, "text", memory.Text);
        PostgresValues.Time(parameters, "created", memory.CreatedAt);
        PostgresValues.Time(parameters, "expires", memory.ExpiresAt);
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static MemoryRecord Read(NpgsqlDataReader row) => new(
        Tenant: row.GetString(0),
        Key: row.GetString(1),
        TaskId: row.GetString(2),
        Classification: PostgresValues.Named<DataClassification>(row, 3, "memories.classification"),
        Text: row.GetString(4),
        CreatedAt: PostgresValues.Time(row, 5, "memories.created"),
        ExpiresAt: PostgresValues.Time(row, 7, "memories.expires"));
}
