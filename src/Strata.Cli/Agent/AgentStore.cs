// Opens the agent store the CLI names: postgres:CONNECTION_STRING for PostgreSQL, anything else a SQLite file.
using Strata.Agents;
using Strata.Agents.PostgreSql;

namespace Strata.Cli;

/// <summary>The CLI's store, as <c>--store</c> and <c>--agent-store</c> name it.</summary>
internal static class AgentStore
{
    /// <summary>The prefix of a PostgreSQL store: what follows is an Npgsql connection string.</summary>
    public const string PostgresPrefix = "postgres:";

    /// <summary>The store when none is named: a SQLite file in the working folder.</summary>
    public const string DefaultPath = "strata-agents.db";

    /// <summary>What <c>--store</c> and <c>--agent-store</c> accept, for their help.</summary>
    public const string Help = "a SQLite file, or postgres:CONNECTION_STRING for a PostgreSQL database several servers share "
        + "(e.g. postgres:Host=127.0.0.1;Username=strata;Database=strata; tables in schema strata_agents)";

    /// <summary>Opens <paramref name="store"/>: PostgreSQL after <see cref="PostgresPrefix"/>, else the SQLite file at that path.</summary>
    /// <exception cref="StoreException">the store cannot be opened</exception>
    /// <exception cref="ArgumentException">the connection string is malformed</exception>
    public static ICheckpointStore Open(string store) => store.StartsWith(PostgresPrefix, StringComparison.Ordinal)
        ? PostgresCheckpointStore.Open(store[PostgresPrefix.Length..])
        : SqliteCheckpointStore.Open(Path.GetFullPath(store));

    /// <summary>How messages name an open store: the file's full path, or the server, database and schema (never a password).</summary>
    public static string NameOf(ICheckpointStore store) => store switch
    {
        SqliteCheckpointStore sqlite => sqlite.Path,
        PostgresCheckpointStore postgres => postgres.Name,
        _ => store.GetType().Name,
    };
}
