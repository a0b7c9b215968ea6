// The SQLite store's schema (its version in PRAGMA user_version): its tables, and how a file is given it, migrated or checked.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>
/// Schema version 2: version 1's tables, and since version 2 the owner of each task (<see cref="ITaskOwnership"/>). A new
/// file is given version 1 and then migrated like an old one, so both end identical. Times are two integers: UTC ticks
/// (what <see cref="Strata.Evidence.Ledger.LedgerChain"/> hashes, and what rows sort by) and the offset in minutes, so
/// a <see cref="DateTimeOffset"/> reads back exactly. Enums are stored by name. STRICT tables make SQLite reject a
/// value of the wrong type.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The version this code reads and writes.</summary>
    public const int Version = 2;

    /// <summary>The tables a store of version 1 or later has.</summary>
    public static readonly IReadOnlyList<string> Tables = ["tasks", "steps", "approvals", "blobs", "ledger", "memories"];

    /// <summary>Version 1's tables, as version 1 created them.</summary>
    private const string CreateVersion1Sql = """
        CREATE TABLE tasks (
            task_id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT NOT NULL,
            contract_json TEXT NOT NULL,
            profile_json TEXT NOT NULL,
            status TEXT NOT NULL,
            stop_reason TEXT,
            answer TEXT,
            submitted_ticks INTEGER NOT NULL,
            submitted_offset_minutes INTEGER NOT NULL,
            updated_ticks INTEGER NOT NULL,
            updated_offset_minutes INTEGER NOT NULL,
            parent_task_id TEXT
        ) STRICT;
        CREATE INDEX tasks_by_submitted ON tasks (submitted_ticks, task_id);
        CREATE INDEX tasks_by_status ON tasks (status, submitted_ticks, task_id);

        CREATE TABLE steps (
            task_id TEXT NOT NULL REFERENCES tasks (task_id),
            idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            name TEXT NOT NULL,
            call_id TEXT,
            arguments_hash TEXT,
            idempotency_key TEXT,
            result_hash TEXT,
            tool_identity TEXT,
            attempts INTEGER NOT NULL,
            updated_ticks INTEGER NOT NULL,
            updated_offset_minutes INTEGER NOT NULL,
            detail TEXT,
            PRIMARY KEY (task_id, idx)
        ) STRICT;

        CREATE TABLE approvals (
            approval_id TEXT NOT NULL PRIMARY KEY,
            task_id TEXT NOT NULL REFERENCES tasks (task_id),
            tenant TEXT NOT NULL,
            step_index INTEGER NOT NULL,
            kind TEXT NOT NULL,
            tool TEXT NOT NULL,
            tool_identity TEXT NOT NULL,
            arguments_hash TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            rule TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL,
            raised_ticks INTEGER NOT NULL,
            raised_offset_minutes INTEGER NOT NULL,
            resolved_by TEXT,
            resolution_reason TEXT,
            resolved_ticks INTEGER,
            resolved_offset_minutes INTEGER,
            UNIQUE (task_id, idempotency_key, kind, tool_identity)
        ) STRICT;
        CREATE INDEX approvals_by_raised ON approvals (raised_ticks, approval_id);
        CREATE INDEX approvals_by_status ON approvals (status, raised_ticks, approval_id);

        CREATE TABLE blobs (
            sha256 TEXT NOT NULL PRIMARY KEY,
            bytes BLOB NOT NULL
        ) STRICT;

        CREATE TABLE memories (
            tenant TEXT NOT NULL,
            key TEXT NOT NULL,
            task_id TEXT NOT NULL REFERENCES tasks (task_id),
            classification TEXT NOT NULL,
            text TEXT NOT NULL,
            created_ticks INTEGER NOT NULL,
            created_offset_minutes INTEGER NOT NULL,
            expires_ticks INTEGER NOT NULL,
            expires_offset_minutes INTEGER NOT NULL,
            PRIMARY KEY (tenant, key, task_id)
        ) STRICT;

        CREATE TABLE ledger (
            task_id TEXT NOT NULL REFERENCES tasks (task_id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at_ticks INTEGER NOT NULL,
            at_offset_minutes INTEGER NOT NULL,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (task_id, seq)
        ) STRICT;
        """;

    /// <summary>The statements that take a store from version N to N + 1, at index N - 1.</summary>
    private static readonly string[] Migrations =
    [
        // 1 → 2: the node that owns each task; NULL (unowned) for every task of an older store.
        """
        ALTER TABLE tasks ADD COLUMN owner TEXT;
        CREATE INDEX tasks_by_owner ON tasks (owner, submitted_ticks, task_id);
        """,
    ];

    /// <summary>
    /// Gives an empty file the schema, migrates an older store to <see cref="Version"/>, or checks that a file has it.
    /// Creation and migration run in one write transaction that reads the version again first, so two processes
    /// opening a new or old file at once change it once; a failed migration leaves the file as it was.
    /// </summary>
    /// <exception cref="StoreException">the file has a newer version, lacks tables, or is a SQLite file of something else</exception>
    public static void Ensure(SqliteConnection connection, string path)
    {
        if (ReadVersion(connection, path, null) == Version)
        {
            CheckTables(connection, path, null, Version);
            return;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        var version = ReadVersion(connection, path, transaction);
        if (version == 0)
        {
            var existing = TableNames(connection, transaction);
            if (existing.Count > 0)
            {
                throw new StoreException(
                    $"store '{path}' is a SQLite database but not a Strata store: it has schema version 0 and tables "
                    + $"({string.Join(", ", existing)}) that Strata did not create");
            }

            Execute(connection, transaction, CreateVersion1Sql);
            version = 1;
        }

        CheckTables(connection, path, transaction, version);
        for (; version < Version; version++)
        {
            Execute(connection, transaction, Migrations[version - 1]);
        }

        Execute(connection, transaction, $"PRAGMA user_version = {Version}");
        transaction.Commit();
    }

    /// <summary>Reads <c>PRAGMA user_version</c> and rejects a version this code does not know.</summary>
    /// <returns>0 (a new or foreign file), an older version to migrate, or <see cref="Version"/>.</returns>
    public static long ReadVersion(SqliteConnection connection, string path, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = (long)command.ExecuteScalar()!;
        if (version > Version)
        {
            throw new StoreException(
                $"store '{path}' has schema version {version}, newer than version {Version} that this Strata reads: "
                + "it was written by a newer Strata; open it with that version");
        }

        if (version < 0)
        {
            throw new StoreException(
                $"store '{path}' has schema version {version}, which no Strata writes (this one writes {Version}): "
                + "it is damaged or is not a Strata store");
        }

        return version;
    }

    private static void CheckTables(SqliteConnection connection, string path, SqliteTransaction? transaction, long version)
    {
        var existing = TableNames(connection, transaction);
        var missing = Tables.Where(table => !existing.Contains(table)).ToList();
        if (missing.Count > 0)
        {
            throw new StoreException(
                $"store '{path}' has schema version {version} but lacks table(s) {string.Join(", ", missing)}: "
                + "it is damaged or is not a Strata store");
        }
    }

    private static List<string> TableNames(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
