// `strata serve --agent-profile`: opens the agent store and builds the runtime the server exposes under its tenants and keys.
using Strata.Agents;
using Strata.Serving;

namespace Strata.Cli;

/// <summary>The agent runtime of a server, and what it owns (the store, the route clients, MCP servers) until the server has stopped.</summary>
internal sealed class AgentServe : IAsyncDisposable
{
    private readonly ICheckpointStore _store;
    private readonly AgentHost _host;

    private AgentServe(ICheckpointStore store, AgentHost host)
    {
        _store = store;
        _host = host;
        StorePath = AgentStore.NameOf(store);
        Extension = AgentServerExtension.Create(host);
    }

    /// <summary>The task and approval routes and their runner, for <see cref="StrataServer.StartAsync(IReadOnlyList{ModelConfig}, IReadOnlyList{string}, ServerConfig, ServerExtension?, CancellationToken)"/>.</summary>
    public ServerExtension Extension { get; }

    /// <summary>The store as messages name it: the SQLite file's full path, or the PostgreSQL server, database and schema.</summary>
    public string StorePath { get; }

    /// <summary>
    /// The runtime of <paramref name="profilePath"/> over <paramref name="storePath"/> (<see cref="AgentStore.Open"/>'s
    /// forms: a SQLite file, or postgres:CONNECTION_STRING); null when no profile is given.
    /// </summary>
    /// <exception cref="ArgumentException">a store without a profile, or a profile that is not valid</exception>
    /// <exception cref="StoreException">the store cannot be opened</exception>
    public static async Task<AgentServe?> OpenAsync(string? profilePath, string? storePath, CancellationToken cancellation)
    {
        if (profilePath is null)
        {
            return storePath is null ? null : throw new ArgumentException("--agent-store needs --agent-profile (the policy, routes and tools the server's tasks run with)");
        }

        var profile = ReadProfile(profilePath);
        var store = AgentStore.Open(storePath ?? AgentStore.DefaultPath);
        try
        {
            var host = await AgentHost.CreateAsync(store, profile, AgentRoutes.Connect, cancellationToken: cancellation);
            return new AgentServe(store, host);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _store.Dispose();
    }

    // An AgentProfile in the task files' JSON; its relative paths are relative to the profile file, wherever the server starts.
    private static AgentProfile ReadProfile(string path)
    {
        try
        {
            return AgentProfile.Load(path);
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new ArgumentException($"--agent-profile {path}: not a valid profile: {error.Message}", error);
        }
    }
}
