// Builds a runtime from a profile: opens the store, reads the policy, connects the routes, registers the tools.
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// A runtime and what it owns (the model clients). The host supplies how an in-process or remote route
/// becomes an <see cref="IChatClient"/> (the engine and the OpenAI client live above this layer).
/// </summary>
public sealed class AgentHost : IAsyncDisposable
{
    private readonly List<IDisposable> _owned;
    private readonly List<McpToolSource> _servers;

    private AgentHost(AgentRuntime runtime, AgentProfile profile, List<IDisposable> owned, List<McpToolSource> servers)
    {
        Runtime = runtime;
        Profile = profile;
        _owned = owned;
        _servers = servers;
    }

    /// <summary>The runtime.</summary>
    public AgentRuntime Runtime { get; }

    /// <summary>The profile it was built from.</summary>
    public AgentProfile Profile { get; }

    /// <summary>The profile as stored with tasks.</summary>
    public string ProfileJson => AgentJson.Write(Profile);

    /// <summary>Builds a runtime over an open store.</summary>
    /// <param name="store">The store (the caller keeps it, and disposes it after the host).</param>
    /// <param name="profile">Policy, routes and tools.</param>
    /// <param name="connect">Makes the client of an in-process or remote route.</param>
    /// <param name="extraTools">Tools registered besides the profile's.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels connecting to MCP servers.</param>
    /// <exception cref="McpToolException">an MCP server would not start</exception>
    public static async Task<AgentHost> CreateAsync(ICheckpointStore store, AgentProfile profile, Func<RouteSpec, IChatClient> connect,
        IEnumerable<AgentTool>? extraTools = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var owned = new List<IDisposable>();
        var servers = new List<McpToolSource>();
        var routes = new List<ModelRoute>();
        try
        {
            foreach (var spec in profile.Routes)
            {
                var client = spec.Kind == RouteKind.Scripted
                    ? new ScriptedChatClient(ModelScript.Parse(File.ReadAllText(spec.Script
                        ?? throw new ArgumentException($"route '{spec.Name}': a scripted route needs 'script'"))))
                    : connect(spec);
                owned.Add(client);
                routes.Add(new ModelRoute(spec.Name, spec.Locality, client, spec.Model ?? spec.Endpoint ?? spec.Script ?? spec.Kind.ToString()));
            }
        }
        catch (JsonException error)
        {
            Dispose(owned);
            throw new ArgumentException($"a model script is not valid: {error.Message}", error);
        }
        catch
        {
            Dispose(owned);
            throw;
        }

        var tools = new ToolCatalog(profile.FileTools ? FileTools.All() : []);
        foreach (var tool in extraTools ?? [])
        {
            tools.Add(tool);
        }

        try
        {
            foreach (var spec in profile.McpServers)
            {
                var server = await McpToolSource.ConnectAsync(spec, cancellationToken).ConfigureAwait(false);
                servers.Add(server);
                foreach (var tool in server.Tools)
                {
                    tools.Add(tool);
                }
            }
        }
        catch
        {
            await DisposeAsync(owned, servers).ConfigureAwait(false);
            throw;
        }

        var runtime = new AgentRuntime(new AgentRuntimeOptions
        {
            Store = store,
            Policy = profile.Policy is { } path ? Policy.Load(path) : Policy.DenyAll("no policy file was given"),
            Router = new ModelRouter(routes),
            Tools = tools,
            Time = time ?? TimeProvider.System,
            MaxOutputTokens = profile.MaxOutputTokens,
            Seed = profile.Seed,
            RequireToolCalls = profile.RequireToolCalls,
            Temperature = profile.Temperature,
        });
        foreach (var subAgent in profile.SubAgents)
        {
            runtime.AddSubAgent(subAgent);
        }

        return new AgentHost(runtime, profile, owned, servers);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => DisposeAsync(_owned, _servers);

    private static async ValueTask DisposeAsync(List<IDisposable> owned, List<McpToolSource> servers)
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        servers.Clear();
        Dispose(owned);
    }

    private static void Dispose(List<IDisposable> owned)
    {
        for (var index = owned.Count - 1; index >= 0; index--)
        {
            owned[index].Dispose();
        }

        owned.Clear();
    }
}
