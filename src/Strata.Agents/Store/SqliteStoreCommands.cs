// The store's SQL statements, compiled once per connection at open and reused by every call.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>
/// One prepared command per statement. Preparing them at open also checks that the file's tables have every
/// column this code uses. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class SqliteStoreCommands : IDisposable
{
    private const string InsertBlobSql = "INSERT INTO blobs (sha256, bytes) VALUES ($sha256, $bytes) ON CONFLICT (sha256) DO NOTHING";
    private const string FindBlobSql = "SELECT bytes FROM blobs WHERE sha256 = $sha256";

    private readonly List<SqliteCommand> _all = [];

    /// <summary>Prepares every statement on <paramref name="connection"/>.</summary>
    /// <exception cref="SqliteException">a statement does not compile against the file's schema</exception>
    public SqliteStoreCommands(SqliteConnection connection)
    {
        UpsertTask = Prepare(connection, SqliteTaskRows.Upsert);
        FindTask = Prepare(connection, SqliteTaskRows.Find);
        ListTasks = Prepare(connection, SqliteTaskRows.List);
        FindOwner = Prepare(connection, SqliteTaskRows.Owner);
        ClaimTask = Prepare(connection, SqliteTaskRows.Claim);
        ListOwnedTasks = Prepare(connection, SqliteTaskRows.ListOwned);
        UpsertStep = Prepare(connection, SqliteStepRows.Upsert);
        ListSteps = Prepare(connection, SqliteStepRows.List);
        InsertApproval = Prepare(connection, SqliteApprovalRows.InsertIfAbsent);
        ResolveApproval = Prepare(connection, SqliteApprovalRows.Resolve);
        FindApproval = Prepare(connection, SqliteApprovalRows.Find);
        ListApprovals = Prepare(connection, SqliteApprovalRows.List);
        InsertBlob = Prepare(connection, InsertBlobSql);
        FindBlob = Prepare(connection, FindBlobSql);
        AppendLedger = Prepare(connection, SqliteLedgerRows.Insert);
        LastLedger = Prepare(connection, SqliteLedgerRows.Last);
        ListLedger = Prepare(connection, SqliteLedgerRows.List);
        InsertMemory = Prepare(connection, SqliteMemoryRows.Insert);
        ListMemories = Prepare(connection, SqliteMemoryRows.List);
    }

    /// <summary><see cref="SqliteMemoryRows.Insert"/>.</summary>
    public SqliteCommand InsertMemory { get; }

    /// <summary><see cref="SqliteMemoryRows.List"/>.</summary>
    public SqliteCommand ListMemories { get; }

    /// <summary><see cref="SqliteTaskRows.Upsert"/>.</summary>
    public SqliteCommand UpsertTask { get; }

    /// <summary><see cref="SqliteTaskRows.Find"/>.</summary>
    public SqliteCommand FindTask { get; }

    /// <summary><see cref="SqliteTaskRows.List"/>.</summary>
    public SqliteCommand ListTasks { get; }

    /// <summary><see cref="SqliteTaskRows.Owner"/>.</summary>
    public SqliteCommand FindOwner { get; }

    /// <summary><see cref="SqliteTaskRows.Claim"/>.</summary>
    public SqliteCommand ClaimTask { get; }

    /// <summary><see cref="SqliteTaskRows.ListOwned"/>.</summary>
    public SqliteCommand ListOwnedTasks { get; }

    /// <summary><see cref="SqliteStepRows.Upsert"/>.</summary>
    public SqliteCommand UpsertStep { get; }

    /// <summary><see cref="SqliteStepRows.List"/>.</summary>
    public SqliteCommand ListSteps { get; }

    /// <summary><see cref="SqliteApprovalRows.InsertIfAbsent"/>.</summary>
    public SqliteCommand InsertApproval { get; }

    /// <summary><see cref="SqliteApprovalRows.Resolve"/>.</summary>
    public SqliteCommand ResolveApproval { get; }

    /// <summary><see cref="SqliteApprovalRows.Find"/>.</summary>
    public SqliteCommand FindApproval { get; }

    /// <summary><see cref="SqliteApprovalRows.List"/>.</summary>
    public SqliteCommand ListApprovals { get; }

    /// <summary>Inserts <c>$bytes</c> under <c>$sha256</c> unless that hash is stored.</summary>
    public SqliteCommand InsertBlob { get; }

    /// <summary>The bytes stored under <c>$sha256</c>.</summary>
    public SqliteCommand FindBlob { get; }

    /// <summary><see cref="SqliteLedgerRows.Insert"/>.</summary>
    public SqliteCommand AppendLedger { get; }

    /// <summary><see cref="SqliteLedgerRows.Last"/>.</summary>
    public SqliteCommand LastLedger { get; }

    /// <summary><see cref="SqliteLedgerRows.List"/>.</summary>
    public SqliteCommand ListLedger { get; }

    /// <summary>Points a command at the transaction in progress (null outside one) and returns it.</summary>
    public static SqliteCommand In(SqliteCommand command, SqliteTransaction? transaction)
    {
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Finalizes every statement.</summary>
    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }

        _all.Clear();
    }

    private SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        _all.Add(command);
        command.CommandText = sql;
        command.Prepare();
        return command;
    }
}
