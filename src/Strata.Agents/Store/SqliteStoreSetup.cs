// Opening a store file: connection settings, WAL, a check for damage, and the schema given or verified.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>The steps of <see cref="SqliteCheckpointStore.Open"/> between opening the file and preparing statements.</summary>
internal static class SqliteStoreSetup
{
    private const int QuickCheckProblemsShown = 5;

    /// <summary>
    /// The connection string: read-write, created if absent, not pooled (the store holds its one connection for
    /// its lifetime, and closing it must release the file), and a command timeout matching the busy timeout.
    /// </summary>
    public static string ConnectionString(string path, SqliteStoreOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
    }.ToString();

    /// <summary>Rejects options that cannot work, naming the field.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a field is out of range</exception>
    public static void Validate(SqliteStoreOptions options)
    {
        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BusyTimeout,
                "options.BusyTimeout must be positive and under 24 days");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Synchronous,
                "options.Synchronous must be Normal or Full");
        }
    }

    /// <summary>
    /// Sets the connection up and makes sure the file is a healthy store of this version. The first statement that
    /// reads the file is <c>PRAGMA user_version</c>: a file that is not SQLite fails there, and a newer store is
    /// rejected before anything is written to it.
    /// </summary>
    /// <exception cref="StoreException">the file is damaged, newer, or not a Strata store</exception>
    /// <exception cref="SqliteException">SQLite failed (the caller names the file)</exception>
    public static void Configure(SqliteConnection connection, string path, SqliteStoreOptions options)
    {
        Execute(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
        Execute(connection, "PRAGMA foreign_keys = ON");
        Execute(connection, options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        SqliteSchema.ReadVersion(connection, path, null);
        EnableWal(connection, path);
        if (options.QuickCheckOnOpen)
        {
            QuickCheck(connection, path);
        }

        SqliteSchema.Ensure(connection, path);
    }

    private static void EnableWal(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException(
                $"store '{path}' could not be switched to WAL journal mode (SQLite kept '{mode}'); "
                + "a store must be a file on a local file system that supports shared memory");
        }
    }

    private static void QuickCheck(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA quick_check({QuickCheckProblemsShown})";
        using var reader = command.ExecuteReader();
        var problems = new List<string>();
        while (reader.Read())
        {
            problems.Add(reader.GetString(0));
        }

        if (problems is not ["ok"])
        {
            throw new StoreException(
                $"store '{path}' is damaged or is not a Strata store: PRAGMA quick_check found: {string.Join("; ", problems).ReplaceLineEndings("; ")}");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
