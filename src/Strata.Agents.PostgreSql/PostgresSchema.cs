// The PostgreSQL store's schema (its version in a one-row table): its tables, and how a schema is given or checked against it.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Strata.Agents.PostgreSql;

/// <summary>
/// Schema version 1, in a PostgreSQL schema of the store's own (<see cref="PostgresStoreOptions.Schema"/>). The tables
/// mirror the SQLite store's: times are two integers, UTC ticks (what <see cref="Strata.Evidence.Ledger.LedgerChain"/>
/// hashes, and what rows sort by) and the offset in minutes, so a <see cref="DateTimeOffset"/> reads back exactly;
/// enums are stored by name; ids use the "C" collation so they sort by code point, as SQLite sorts them. Every row of a
/// task refers to the task's row, so a write for a task that has none fails instead of leaving orphans.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The version this code reads and writes.</summary>
    public const int Version = 1;

    /// <summary>The one-row table holding the version.</summary>
    public const string VersionTable = "store_version";

    /// <summary>The tables a version 1 store has besides <see cref="VersionTable"/>.</summary>
    public static readonly IReadOnlyList<string> Tables = ["tasks", "steps", "approvals", "blobs", "ledger", "memories"];

    /// <summary>Creates the schema (if absent), every table and index, and the version row.</summary>
    public static string CreateSql(string schema) => $"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE {schema}.{VersionTable} (version integer NOT NULL);
        INSERT INTO {schema}.{VersionTable} (version) VALUES ({Version});

        CREATE TABLE {schema}.tasks (
            task_id text COLLATE "C" NOT NULL PRIMARY KEY,
            tenant text NOT NULL,
            contract_json text NOT NULL,
            profile_json text NOT NULL,
            status text NOT NULL,
            stop_reason text,
            answer text,
            submitted_ticks bigint NOT NULL,
            submitted_offset_minutes integer NOT NULL,
            updated_ticks bigint NOT NULL,
            updated_offset_minutes integer NOT NULL,
            parent_task_id text,
            owner text
        );
        CREATE INDEX tasks_by_submitted ON {schema}.tasks (submitted_ticks, task_id);
        CREATE INDEX tasks_by_status ON {schema}.tasks (status, submitted_ticks, task_id);
        CREATE INDEX tasks_by_owner ON {schema}.tasks (owner, submitted_ticks, task_id);

        CREATE TABLE {schema}.steps (
            task_id text COLLATE "C" NOT NULL REFERENCES {schema}.tasks (task_id),
            idx integer NOT NULL,
            kind text NOT NULL,
            status text NOT NULL,
            name text NOT NULL,
            call_id text,
            arguments_hash text,
            idempotency_key text,
            result_hash text,
            tool_identity text,
            attempts integer NOT NULL,
            updated_ticks bigint NOT NULL,
            updated_offset_minutes integer NOT NULL,
            detail text,
            PRIMARY KEY (task_id, idx)
        );

        CREATE TABLE {schema}.approvals (
            approval_id text COLLATE "C" NOT NULL PRIMARY KEY,
            task_id text COLLATE "C" NOT NULL REFERENCES {schema}.tasks (task_id),
            tenant text NOT NULL,
            step_index integer NOT NULL,
            kind text NOT NULL,
            tool text NOT NULL,
            tool_identity text NOT NULL,
            arguments_hash text NOT NULL,
            idempotency_key text NOT NULL,
            rule text NOT NULL,
            reason text NOT NULL,
            status text NOT NULL,
            raised_ticks bigint NOT NULL,
            raised_offset_minutes integer NOT NULL,
            resolved_by text,
            resolution_reason text,
            resolved_ticks bigint,
            resolved_offset_minutes integer,
            UNIQUE (task_id, idempotency_key, kind, tool_identity)
        );
        CREATE INDEX approvals_by_raised ON {schema}.approvals (raised_ticks, approval_id);
        CREATE INDEX approvals_by_status ON {schema}.approvals (status, raised_ticks, approval_id);

        CREATE TABLE {schema}.blobs (
            sha256 text COLLATE "C" NOT NULL PRIMARY KEY,
            bytes bytea NOT NULL
        );

        CREATE TABLE {schema}.memories (
            tenant text NOT NULL,
            key text NOT NULL,
            task_id text COLLATE "C" NOT NULL REFERENCES {schema}.tasks (task_id),
            classification text NOT NULL,
            text text NOT NULL,
            created_ticks bigint NOT NULL,
            created_offset_minutes integer NOT NULL,
            expires_ticks bigint NOT NULL,
            expires_offset_minutes integer NOT NULL,
            PRIMARY KEY (tenant, key, task_id)
        );

        CREATE TABLE {schema}.ledger (
            task_id text COLLATE "C" NOT NULL REFERENCES {schema}.tasks (task_id),
            seq bigint NOT NULL,
            kind text NOT NULL,
            at_ticks bigint NOT NULL,
            at_offset_minutes integer NOT NULL,
            payload text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL,
            PRIMARY KEY (task_id, seq)
        );
        """;

    /// <summary>Statements that select every column this code uses from each table and return no row.</summary>
    public static IReadOnlyList<string> ProbeSql(string schema) =>
    [
        $"SELECT {PostgresTaskRows.Columns}, owner FROM {schema}.tasks WHERE false",
        $"SELECT {PostgresStepRows.Columns} FROM {schema}.steps WHERE false",
        $"SELECT {PostgresApprovalRows.Columns} FROM {schema}.approvals WHERE false",
        $"SELECT sha256, bytes FROM {schema}.blobs WHERE false",
        $"SELECT {PostgresLedgerRows.Columns} FROM {schema}.ledger WHERE false",
        $"SELECT {PostgresMemoryRows.Columns} FROM {schema}.memories WHERE false",
    ];

    /// <summary>
    /// Gives an empty (or absent) schema the tables, or checks that a schema has them. It runs in one transaction
    /// holding an advisory lock named after the schema, so nodes opening a new store at once create it once, and
    /// none sees half of it: PostgreSQL's DDL is transactional.
    /// </summary>
    /// <exception cref="StoreException">the schema has another version, lacks tables or columns, or holds tables of something else</exception>
    /// <exception cref="NpgsqlException">PostgreSQL failed (the caller names the store)</exception>
    public static void Ensure(NpgsqlConnection connection, PostgresStoreSql sql, string store)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            PostgresValues.Int64(command.Parameters, "key", LockKey(sql.Schema));
            command.ExecuteNonQuery();
        }

        var existing = TableNames(connection, transaction, sql.Schema);
        if (existing.Count == 0)
        {
            Execute(connection, transaction, sql.Create);
            transaction.Commit();
            return;
        }

        if (!existing.Contains(VersionTable))
        {
            throw new StoreException(
                $"store '{store}' is not a Strata store: schema '{sql.Schema}' holds tables ({string.Join(", ", existing)}) "
                + $"that Strata did not create, and no {VersionTable} table; give the store a schema of its own");
        }

        var version = ReadVersion(connection, transaction, sql.Schema, store);
        var missing = Tables.Where(table => !existing.Contains(table)).ToList();
        if (missing.Count > 0)
        {
            throw new StoreException(
                $"store '{store}' has schema version {version} but lacks table(s) {string.Join(", ", missing)}: "
                + "it is damaged or is not a Strata store");
        }

        // A later version migrates older stores here, in this transaction, the way SqliteSchema does.
        CheckColumns(connection, transaction, sql, store);
        transaction.Commit();
    }

    /// <summary>The advisory lock key of <paramref name="schema"/>: the first 8 bytes of a SHA-256, the same in every process.</summary>
    public static long LockKey(string schema) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("Strata.Agents.PostgreSql schema " + schema)));

    private static long ReadVersion(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string store)
    {
        using var command = new NpgsqlCommand($"SELECT version FROM \"{schema}\".{VersionTable}", connection, transaction);
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }

        if (versions is not [var version])
        {
            throw new StoreException(
                $"store '{store}' has {versions.Count} rows in {VersionTable}, where Strata writes one: it is damaged or is not a Strata store");
        }

        if (version > Version)
        {
            throw new StoreException(
                $"store '{store}' has schema version {version}, newer than version {Version} that this Strata reads: "
                + "it was written by a newer Strata; open it with that version");
        }

        if (version < 1)
        {
            throw new StoreException(
                $"store '{store}' has schema version {version}, which no Strata writes (this one writes {Version}): "
                + "it is damaged or is not a Strata store");
        }

        return version;
    }

    private static void CheckColumns(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresStoreSql sql, string store)
    {
        foreach (var probe in sql.Probes)
        {
            try
            {
                Execute(connection, transaction, probe);
            }
            catch (PostgresException error) when (error.SqlState is PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedTable)
            {
                throw new StoreException(
                    $"store '{store}' is damaged or is not a Strata store: its tables do not match schema version "
                    + $"{Version} (PostgreSQL error: {error.Message})", error);
            }
        }
    }

    private static List<string> TableNames(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
    {
        using var command = new NpgsqlCommand(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = @schema ORDER BY tablename", connection, transaction);
        PostgresValues.Text(command.Parameters, "schema", schema);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
