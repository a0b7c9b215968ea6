// The ledger table: appending a chained record, reading a task's last record and its whole chain.
using Npgsql;
using Strata.Evidence.Ledger;

namespace Strata.Agents.PostgreSql;

/// <summary>SQL (for the schema given, already quoted) and row mapping of <see cref="LedgerEntry"/>.</summary>
internal static class PostgresLedgerRows
{
    /// <summary>The columns every query selects, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns = "task_id, seq, kind, at_ticks, at_offset_minutes, payload, prev_hash, hash";

    /// <summary>Appends a record; its (task, sequence) must be new, so two writers can never fork a chain.</summary>
    public static string Insert(string schema) => $"""
        INSERT INTO {schema}.ledger ({Columns})
        VALUES (@task_id, @seq, @kind, @at_ticks, @at_offset_minutes, @payload, @prev_hash, @hash)
        """;

    /// <summary>The last record of <c>@task_id</c>'s chain.</summary>
    public static string Last(string schema) =>
        $"SELECT {Columns} FROM {schema}.ledger WHERE task_id = @task_id ORDER BY seq DESC LIMIT 1";

    /// <summary>The chain of <c>@task_id</c> in sequence order.</summary>
    public static string List(string schema) => $"SELECT {Columns} FROM {schema}.ledger WHERE task_id = @task_id ORDER BY seq";

    /// <summary>Binds <see cref="Insert"/>'s parameters.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, LedgerEntry entry)
    {
        PostgresValues.Text(parameters, "task_id", entry.TaskId);
        PostgresValues.Int64(parameters, "seq", entry.Sequence);
        PostgresValues.Text(parameters, "kind", entry.Kind);
        PostgresValues.Time(parameters, "at", entry.At);
        PostgresValues.Text(parameters, "payload", entry.PayloadJson);
        PostgresValues.Text(parameters, "prev_hash", entry.PreviousHash);
        PostgresValues.Text(parameters, "hash", entry.Hash);
    }

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static LedgerEntry Read(NpgsqlDataReader row) => new(
        TaskId: row.GetString(0),
        Sequence: row.GetInt64(1),
        Kind: row.GetString(2),
        At: PostgresValues.Time(row, 3, "ledger.at"),
        PayloadJson: row.GetString(5),
        PreviousHash: row.GetString(6),
        Hash: row.GetString(7));
}
