// How a task runs, stored with it: the policy file, the model routes and the tool sources, so a resume runs it alike.
namespace Strata.Agents;

/// <summary>What kind of model a route reaches; persisted by name, values append-only.</summary>
public enum RouteKind
{
    /// <summary>A GGUF model run by Strata's engine in this process.</summary>
    InProcess = 0,

    /// <summary>An OpenAI-compatible endpoint (a Strata server or another).</summary>
    Remote = 1,

    /// <summary>A <see cref="ScriptedChatClient"/> playing a script file (in this process).</summary>
    Scripted = 2,
}

/// <summary>One model route of a profile.</summary>
public sealed record RouteSpec
{
    /// <summary>The route's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it reaches.</summary>
    public required RouteKind Kind { get; init; }

    /// <summary>The GGUF file (in-process) or the model id sent to the endpoint (remote).</summary>
    public string? Model { get; init; }

    /// <summary>The endpoint's base address, e.g. <c>http://127.0.0.1:8080/v1</c> (remote).</summary>
    public string? Endpoint { get; init; }

    /// <summary>The environment variable holding the endpoint's API key (remote); the key itself is never stored.</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>The script file (scripted).</summary>
    public string? Script { get; init; }

    /// <summary>Where the route runs: only a remote endpoint leaves the process.</summary>
    public RouteLocality Locality => Kind == RouteKind.Remote ? RouteLocality.Remote : RouteLocality.InProcess;
}

/// <summary>A task's run profile; paths are absolute so a resume from another folder finds them.</summary>
public sealed record AgentProfile
{
    /// <summary>The policy rules file; null runs under a policy that denies everything.</summary>
    public string? Policy { get; init; }

    /// <summary>The model routes, in preference order.</summary>
    public IReadOnlyList<RouteSpec> Routes { get; init; } = [];

    /// <summary>Whether Strata's file tools (<see cref="FileTools"/>) are registered.</summary>
    public bool FileTools { get; init; } = true;

    /// <summary>MCP servers whose tools are registered (each started over stdio for the run).</summary>
    public IReadOnlyList<McpServerSpec> McpServers { get; init; } = [];

    /// <summary>Sub-agents offered as tools (each runs a sub-task with at most its parent's authority).</summary>
    public IReadOnlyList<SubAgentSpec> SubAgents { get; init; } = [];

    /// <summary>Output tokens per model call (null: the route's default).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Every model call must call a tool; the task ends with <c>final_answer</c> (see <see cref="AgentRuntimeOptions.RequireToolCalls"/>).</summary>
    public bool RequireToolCalls { get; init; }

    /// <summary>Sampling temperature of model calls (null: the route's default).</summary>
    public float? Temperature { get; init; }

    /// <summary>Seed for model calls.</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// Reads a profile file (the task files' JSON). Its relative paths (policy, in-process models, scripts, MCP
    /// servers' working folders) are relative to the file, wherever the task is later resumed from.
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">the file is not a profile</exception>
    public static AgentProfile Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        var profile = AgentJson.Read<AgentProfile>(File.ReadAllText(full));
        var routes = new List<RouteSpec>();
        foreach (var route in profile.Routes)
        {
            routes.Add(route.Kind switch
            {
                RouteKind.Scripted when route.Script is { } script => route with { Script = System.IO.Path.GetFullPath(script, folder) },
                RouteKind.InProcess when route.Model is { } model => route with { Model = System.IO.Path.GetFullPath(model, folder) },
                _ => route,
            });
        }

        var servers = new List<McpServerSpec>();
        foreach (var server in profile.McpServers)
        {
            servers.Add(server with { WorkingDirectory = System.IO.Path.GetFullPath(server.WorkingDirectory ?? ".", folder) });
        }

        return profile with
        {
            Policy = profile.Policy is { } policy ? System.IO.Path.GetFullPath(policy, folder) : null,
            Routes = routes,
            McpServers = servers,
        };
    }
}
