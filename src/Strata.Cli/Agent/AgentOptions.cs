// The options the `strata agent` commands share: the store, and the policy, model routes and tools of a run profile.
using System.CommandLine;
using Strata.Agents;

namespace Strata.Cli;

/// <summary>Options of `strata agent …`, exit codes, and how the options become a run profile.</summary>
internal sealed class AgentOptions
{
    /// <summary>Exit code of a task that waits for approval.</summary>
    public const int WaitingApproval = 3;

    /// <summary>Exit code of a task that failed or was cancelled.</summary>
    public const int TaskFailed = 1;

    private readonly Option<string?> _profile = new("--profile") { Description = "run profile (JSON: policy, routes, mcp_servers, sub_agents, file_tools, …); the other options add to it" };
    private readonly Option<string?> _policy = new("--policy") { Description = "policy rules file (JSON); without one every tool call and model route is denied" };
    private readonly Option<string?> _model = new("--model", "-m") { Description = "GGUF model for the in-process route 'local'" };
    private readonly Option<string?> _endpoint = new("--endpoint") { Description = "OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1) for the remote route 'remote'" };
    private readonly Option<string?> _endpointModel = new("--endpoint-model") { Description = "model id sent to --endpoint" };
    private readonly Option<string?> _apiKey = new("--api-key-env") { Description = "environment variable holding --endpoint's API key" };
    private readonly Option<string?> _script = new("--script") { Description = "model script (JSON) for the scripted in-process route 'scripted'" };
    private readonly Option<string?> _mcp = new("--mcp") { Description = "MCP servers (a JSON array of {name, command, arguments, tools}) whose tools the task may be offered" };
    private readonly Option<bool> _requireToolCalls = new("--require-tool-calls") { Description = "every model reply must be a tool call (held to the tools' schemas by the in-process engine); the task ends with final_answer" };
    private readonly Option<bool> _noFileTools = new("--no-file-tools") { Description = "do not register Strata's file tools (read_file, append_line, write_file, delete_file), e.g. when an MCP server offers tools of those names" };
    private readonly Option<int?> _maxTokens = new("--max-tokens", "-n") { Description = "most output tokens per model call" };

    public static Option<string> Store() => new("--store")
    {
        Description = "where tasks, checkpoints, approvals and evidence are kept: " + AgentStore.Help,
        DefaultValueFactory = _ => AgentStore.DefaultPath,
    };

    /// <summary>Adds the profile options to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _profile, _policy, _model, _endpoint, _endpointModel, _apiKey, _script, _mcp, _maxTokens, _requireToolCalls, _noFileTools })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The profile the options describe; null when none was given (a resume then uses each task's own).</summary>
    public AgentProfile? Profile(ParseResult parse)
    {
        var (policy, model, endpoint, script, mcp) = (parse.GetValue(_policy), parse.GetValue(_model), parse.GetValue(_endpoint),
            parse.GetValue(_script), parse.GetValue(_mcp));
        var file = parse.GetValue(_profile) is { } profilePath ? AgentProfile.Load(Existing(profilePath)) : null;
        if (file is null && policy is null && model is null && endpoint is null && script is null && mcp is null && !parse.GetValue(_noFileTools))
        {
            return null;
        }

        var routes = new List<RouteSpec>(file?.Routes ?? []);
        if (script is not null)
        {
            routes.Add(new RouteSpec { Name = "scripted", Kind = RouteKind.Scripted, Script = Existing(script) });
        }

        if (model is not null)
        {
            routes.Add(new RouteSpec { Name = "local", Kind = RouteKind.InProcess, Model = Existing(model) });
        }

        if (endpoint is not null)
        {
            routes.Add(new RouteSpec
            {
                Name = "remote",
                Kind = RouteKind.Remote,
                Endpoint = endpoint,
                Model = parse.GetValue(_endpointModel),
                ApiKeyVariable = parse.GetValue(_apiKey),
            });
        }

        var basis = file ?? new AgentProfile { Seed = 0 };
        return basis with
        {
            // Not checked here: a missing or damaged policy file is the runtime's to record, and it denies everything.
            Policy = policy is null ? basis.Policy : Path.GetFullPath(policy),
            Routes = routes,
            McpServers = mcp is null ? basis.McpServers : [.. basis.McpServers, .. McpServers(Existing(mcp))],
            MaxOutputTokens = parse.GetValue(_maxTokens) ?? basis.MaxOutputTokens,
            RequireToolCalls = parse.GetValue(_requireToolCalls) || basis.RequireToolCalls,
            FileTools = basis.FileTools && !parse.GetValue(_noFileTools),
        };
    }

    // A server's relative paths are relative to the file that names it, wherever the task is resumed from.
    private static List<McpServerSpec> McpServers(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var servers = new List<McpServerSpec>();
        foreach (var spec in AgentJson.Read<List<McpServerSpec>>(File.ReadAllText(path)))
        {
            servers.Add(spec with { WorkingDirectory = Path.GetFullPath(spec.WorkingDirectory ?? ".", folder) });
        }

        return servers;
    }

    private static string Existing(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new FileNotFoundException($"'{path}' does not exist", full);
    }
}
