// The memories table: its SQL, how a MemoryRecord binds to it, and how a row reads back.
using Microsoft.Data.Sqlite;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>SQL and row mapping of <see cref="MemoryRecord"/>.</summary>
internal static class SqliteMemoryRows
{
    public const string Insert = """
        INSERT INTO memories (tenant, key, task_id, classification, text, created_ticks, created_offset_minutes, expires_ticks, expires_offset_minutes)
        VALUES ($tenant, $key, $task_id, $classification, $text, $created_ticks, $created_offset_minutes, $expires_ticks, $expires_offset_minutes)
        ON CONFLICT (tenant, key, task_id) DO NOTHING
        """;

    public const string List = """
        SELECT tenant, key, task_id, classification, text, created_ticks, created_offset_minutes, expires_ticks, expires_offset_minutes
        FROM memories WHERE tenant = $tenant AND key = $key AND created_ticks <= $at_ticks AND expires_ticks > $at_ticks
        ORDER BY created_ticks, task_id
        """;

    public static void Bind(SqliteCommand command, MemoryRecord memory)
    {
        SqliteValues.Set(command, "$tenant", memory.Tenant);
        SqliteValues.Set(command, "$key", memory.Key);
        SqliteValues.Set(command, "$task_id", memory.TaskId);
        SqliteValues.Set(command, "$classification", SqliteValues.Name(memory.Classification, nameof(memory.Classification)));
        SqliteValues.Set(command, "$text", memory.Text);
        SqliteValues.SetTime(command, "$created_ticks", "$created_offset_minutes", memory.CreatedAt);
        SqliteValues.SetTime(command, "$expires_ticks", "$expires_offset_minutes", memory.ExpiresAt);
    }

    public static MemoryRecord Read(SqliteDataReader row) => new(
        row.GetString(0),
        row.GetString(1),
        row.GetString(2),
        SqliteValues.Named<DataClassification>(row, 3, "memories.classification"),
        row.GetString(4),
        SqliteValues.Time(row, 5, "memories.created"),
        SqliteValues.Time(row, 7, "memories.expires"));
}
