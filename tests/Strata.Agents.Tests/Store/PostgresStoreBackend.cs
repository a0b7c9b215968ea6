// The store contract tests on a fresh database of the test PostgreSQL server.
using Npgsql;
using Strata.Agents.PostgreSql;
using Strata.Tests.Shared;

namespace Strata.Agents.Tests;

/// <summary>A database of its own per test (<see cref="PostgresServer.CreateDatabase"/>), the store in its default schema.</summary>
public sealed class PostgresStoreBackend : StoreBackend
{
    /// <summary>The connection string of this test's database.</summary>
    public string ConnectionString { get; } = PostgresServer.CreateDatabase();

    public override ICheckpointStore Open() => PostgresCheckpointStore.Open(ConnectionString);

    public override string NameOf(ICheckpointStore store) => ((PostgresCheckpointStore)store).Name;

    public override object? RawScalar(string sql) => RawScalar(ConnectionString, sql);

    /// <summary>Runs one statement with the store's schema first on the search path.</summary>
    public static object? RawScalar(string connectionString, string sql, string schema = PostgresStoreOptions.DefaultSchema)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, Pooling = false };
        using var connection = new NpgsqlConnection(settings.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
