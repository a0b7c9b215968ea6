// The tables and queries Orleans' ADO.NET clustering reads and writes, and the cluster's rollouts and request evidence,
// created in PostgreSQL when missing.
// Orleans' provider issues only the queries it finds in the OrleansQuery table, by key, with named parameters
// (@DeploymentId, @Address, ...) and reads result columns by name; these are Strata's own statements for that contract:
// single statements with data-modifying CTEs where the reference scripts use PL/pgSQL functions. Every write that Orleans
// expects to be conditional on the table version bumps the version and writes the row in one statement, so a stale
// writer changes nothing and reads false.
using Npgsql;

namespace Strata.Cluster;

/// <summary>Creates (idempotently, under an advisory lock) the membership schema a cluster on PostgreSQL needs.</summary>
public static class PostgresMembershipSchema
{
    private const long LockKey = 0x5354524154414d42; // "STRATAMB"

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) NOT NULL PRIMARY KEY,
            QueryText varchar(8000) NOT NULL);
        CREATE TABLE IF NOT EXISTS strata_membership_version (
            DeploymentId varchar(150) NOT NULL PRIMARY KEY,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS strata_membership (
            DeploymentId varchar(150) NOT NULL REFERENCES strata_membership_version (DeploymentId),
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation));
        CREATE TABLE IF NOT EXISTS strata_evidence (
            trace_id text NOT NULL PRIMARY KEY,
            tenant text NOT NULL,
            at timestamptz NOT NULL,
            record text NOT NULL);
        CREATE INDEX IF NOT EXISTS strata_evidence_at ON strata_evidence (at);
        CREATE TABLE IF NOT EXISTS strata_rollouts (
            model text NOT NULL PRIMARY KEY,
            state jsonb NOT NULL,
            updated timestamptz NOT NULL);
        """;

    private const string Row = """
        SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
               m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
        FROM strata_membership_version v
        LEFT JOIN strata_membership m ON v.DeploymentId = m.DeploymentId
        """;

    private static readonly (string Key, string Text)[] Queries =
    [
        ("UpdateIAmAlivetimeKey", """
            UPDATE strata_membership SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
            """),
        ("InsertMembershipVersionKey", """
            WITH inserted AS (
                INSERT INTO strata_membership_version (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*) FROM inserted
            """),
        ("InsertMembershipKey", """
            WITH bumped AS (
                UPDATE strata_membership_version SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND NOT EXISTS (SELECT 1 FROM strata_membership
                                  WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
                RETURNING 1),
            inserted AS (
                INSERT INTO strata_membership (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                WHERE EXISTS (SELECT 1 FROM bumped)
                ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*) FROM inserted
            """),
        ("UpdateMembershipKey", """
            WITH bumped AS (
                UPDATE strata_membership_version SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND EXISTS (SELECT 1 FROM strata_membership
                              WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
                RETURNING 1),
            updated AS (
                UPDATE strata_membership SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
                  AND EXISTS (SELECT 1 FROM bumped)
                RETURNING 1)
            SELECT count(*) FROM updated
            """),
        ("MembershipReadRowKey", Row + """
             AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
            """),
        ("MembershipReadAllKey", Row + """

            WHERE v.DeploymentId = @DeploymentId
            """),
        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM strata_membership WHERE DeploymentId = @DeploymentId;
            DELETE FROM strata_membership_version WHERE DeploymentId = @DeploymentId
            """),
        ("GatewaysQueryKey", """
            SELECT Address, ProxyPort, Generation FROM strata_membership
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
            """),
        ("CleanupDefunctSiloEntriesKey", """
            DELETE FROM strata_membership
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3
            """),
    ];

    /// <summary>Creates the tables and (re)writes the queries; several nodes may call it at once.</summary>
    /// <exception cref="NpgsqlException">the database cannot be reached or refuses the statements</exception>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(Tables, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText",
                connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
    }
}
