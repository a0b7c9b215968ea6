// A real Strata server on 127.0.0.1 (any free port) serving the agent runtime over a store, a policy and a model script in a folder.
using System.Net.Http.Headers;
using System.Text.Json;
using Strata.Agents.Tests.Runtime;
using Strata.Engine.Tests;
using Strata.Serving;

namespace Strata.Agents.Tests.Http;

/// <summary>Tenants "alpha" (key-a) and "beta" (key-b); the policy needs approval for write_file and allows any tool inside the workspace.</summary>
internal sealed class TaskServer : IAsyncDisposable
{
    public const string KeyA = "key-a";
    public const string KeyB = "key-b";

    private readonly StrataServer _server;
    private readonly AgentHost _host;
    private readonly FailingStore _store;

    private TaskServer(StrataServer server, AgentHost host, FailingStore store)
    {
        _server = server;
        _host = host;
        _store = store;
        BaseUri = new Uri(server.Urls[0]);
    }

    public Uri BaseUri { get; }

    /// <summary>The server's store (a SQLite file), which fails on demand.</summary>
    public FailingStore Store => _store;

    /// <summary>A model script whose one turn calls <paramref name="tool"/> on the task's output file, then answers "finished".</summary>
    public static string Script(string tool) => JsonSerializer.Serialize(new
    {
        turns = new[] { new { tool_calls = new[] { new { name = tool, arguments = new { path = "${input.output_file}", content = "v1" } } } } },
        final = "finished",
    });

    /// <summary>Starts a server over <paramref name="folder"/> (policy.json, script.json, tasks.db, workspace/).</summary>
    public static async Task<TaskServer> StartAsync(string folder, string script, IEnumerable<AgentTool>? tools = null)
    {
        var workspace = Path.Combine(folder, "workspace");
        Directory.CreateDirectory(workspace);
        var policy = Path.Combine(folder, "policy.json");
        File.WriteAllText(policy, AgentTestBed.AllowWorkspacePolicy.Replace("WORKSPACE", workspace, StringComparison.Ordinal));
        var scriptPath = Path.Combine(folder, "script.json");
        File.WriteAllText(scriptPath, script);
        var profile = new AgentProfile
        {
            Policy = policy,
            Routes = [new RouteSpec { Name = "scripted", Kind = RouteKind.Scripted, Script = scriptPath }],
        };
        var store = new FailingStore(SqliteCheckpointStore.Open(Path.Combine(folder, "tasks.db")));
        var host = await AgentHost.CreateAsync(store, profile, spec => throw new ArgumentException($"route '{spec.Name}' is not made in these tests"), tools);
        var config = new ServerConfig
        {
            Tenants =
            [
                new TenantConfig { Name = "alpha", ApiKeys = [KeyA] },
                new TenantConfig { Name = "beta", ApiKeys = [KeyB] },
            ],
            Threads = 2,
        };
        var server = await StrataServer.StartAsync([new ModelConfig { Name = "stories", Path = SharedModels.File("stories260K.gguf") }],
            ["http://127.0.0.1:0"], config, AgentServerExtension.Create(host));
        return new TaskServer(server, host, store);
    }

    /// <summary>A task contract for <paramref name="tenant"/> offering <paramref name="tool"/>, writing to <paramref name="outputFile"/>.</summary>
    public static string Contract(string outputFile, string tenant = "alpha", string tool = "write_file") => JsonSerializer.Serialize(new
    {
        tenant,
        actor = "ana@alpha.test",
        goal = "write the report",
        scopes = new[] { FileTools.ReadScope, FileTools.WriteScope },
        tools = new[] { tool },
        inputs = new { output_file = outputFile },
    });

    public HttpClient Client(string? key = KeyA)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _host.DisposeAsync();
        _store.Dispose();
    }
}
