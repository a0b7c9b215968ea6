// The ledger table: appending a chained record, reading a task's last record and its whole chain.
using Microsoft.Data.Sqlite;
using Strata.Evidence.Ledger;

namespace Strata.Agents;

/// <summary>SQL and row mapping of <see cref="LedgerEntry"/>.</summary>
internal static class SqliteLedgerRows
{
    /// <summary>Appends a record; its (task, sequence) must be new.</summary>
    public const string Insert = """
        INSERT INTO ledger (task_id, seq, kind, at_ticks, at_offset_minutes, payload, prev_hash, hash)
        VALUES ($task_id, $seq, $kind, $at_ticks, $at_offset_minutes, $payload, $prev_hash, $hash)
        """;

    /// <summary>The last record of <c>$task_id</c>'s chain.</summary>
    public const string Last = $"SELECT {Columns} FROM ledger WHERE task_id = $task_id ORDER BY seq DESC LIMIT 1";

    /// <summary>The chain of <c>$task_id</c> in sequence order.</summary>
    public const string List = $"SELECT {Columns} FROM ledger WHERE task_id = $task_id ORDER BY seq";

    private const string Columns = "task_id, seq, kind, at_ticks, at_offset_minutes, payload, prev_hash, hash";

    /// <summary>Binds <see cref="Insert"/>'s parameters.</summary>
    public static void Bind(SqliteCommand command, LedgerEntry entry)
    {
        SqliteValues.Set(command, "$task_id", entry.TaskId);
        SqliteValues.Set(command, "$seq", entry.Sequence);
        SqliteValues.Set(command, "$kind", entry.Kind);
        SqliteValues.SetTime(command, "$at_ticks", "$at_offset_minutes", entry.At);
        SqliteValues.Set(command, "$payload", entry.PayloadJson);
        SqliteValues.Set(command, "$prev_hash", entry.PreviousHash);
        SqliteValues.Set(command, "$hash", entry.Hash);
    }

    /// <summary>Reads a row selected with this class's columns.</summary>
    /// <exception cref="InvalidDataException">a column holds what no Strata writes</exception>
    public static LedgerEntry Read(SqliteDataReader row) => new(
        TaskId: row.GetString(0),
        Sequence: row.GetInt64(1),
        Kind: row.GetString(2),
        At: SqliteValues.Time(row, 3, "ledger.at"),
        PayloadJson: row.GetString(5),
        PreviousHash: row.GetString(6),
        Hash: row.GetString(7));
}
