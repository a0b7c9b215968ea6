// A real runtime over a real SQLite file in a temp folder, a scripted model, Strata's file tools and a policy text.
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Strata.Agents.Tests.Runtime;

internal sealed class AgentTestBed : IDisposable
{
    public const string AllowWorkspacePolicy = """
        {"version": 1, "rules": [
          {"id": "routes", "target": "route", "decision": "allow"},
          {"id": "approve-writes", "target": "tool", "tools": ["write_file"], "decision": "require_approval"},
          {"id": "workspace", "target": "tool", "arguments": [{"path": "path", "inside_folder": "WORKSPACE"}], "decision": "allow"}
        ]}
        """;

    private SqliteCheckpointStore? _store;

    public AgentTestBed(string? policyJson = AllowWorkspacePolicy)
    {
        Folder = Path.Combine(Path.GetTempPath(), "strata-agents-" + Guid.NewGuid().ToString("N"));
        Workspace = Path.Combine(Folder, "workspace");
        Directory.CreateDirectory(Workspace);
        StorePath = Path.Combine(Folder, "tasks.db");
        PolicyJson = policyJson?.Replace("WORKSPACE", Workspace.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    public string Folder { get; }

    public string Workspace { get; }

    public string StorePath { get; }

    public string? PolicyJson { get; set; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    public List<AgentTool> ExtraTools { get; } = [];

    public bool FileToolsOn { get; set; } = true;

    public ICheckpointStore Store => _store ??= SqliteCheckpointStore.Open(StorePath);

    /// <summary>A runtime as a fresh process would build it: a new store connection, nothing in memory.</summary>
    public AgentRuntime Runtime(ModelScript script, params ModelRoute[] extraRoutes) =>
        Runtime([new ModelRoute("scripted", RouteLocality.InProcess, new ScriptedChatClient(script), "script"), .. extraRoutes]);

    public AgentRuntime Runtime(IReadOnlyList<ModelRoute> routes)
    {
        _store?.Dispose();
        _store = null;
        return new AgentRuntime(new AgentRuntimeOptions
        {
            Store = Store,
            Policy = PolicyJson is null ? Policy.DenyAll("test: no policy") : Policy.FromJson(PolicyJson),
            Router = new ModelRouter(routes),
            Tools = new ToolCatalog([.. FileToolsOn ? FileTools.All() : [], .. ExtraTools]),
            Time = Time,
        });
    }

    public TaskContract Contract(params string[] tools) => new()
    {
        Tenant = "acme",
        Actor = "ana@acme.test",
        Goal = "write the report",
        Scopes = [FileTools.ReadScope, FileTools.WriteScope],
        Tools = tools,
        Inputs = JsonDocument.Parse(JsonSerializer.Serialize(new { output_file = Path.Combine(Workspace, "out.txt") })).RootElement,
    };

    public static ModelScript Script(params ScriptTurn[] turns) => new() { Turns = turns, Final = "finished" };

    public static ScriptTurn Call(string tool, object arguments, int repeat = 1) =>
        new() { ToolCalls = [new ScriptCall(tool, JsonSerializer.SerializeToElement(arguments))], Repeat = repeat };

    public string Output => Path.Combine(Workspace, "out.txt");

    public string[] OutputLines => File.Exists(Output) ? File.ReadAllLines(Output) : [];

    public void Dispose()
    {
        _store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A tool that counts its calls and the keys it saw, with a gate the test can hold it at.</summary>
internal sealed class RecordingTool
{
    public List<string> Keys { get; } = [];

    public Func<CancellationToken, Task>? Gate { get; set; }

    public AgentTool Tool(string name, bool idempotent, ToolEffects effects = ToolEffects.Write, string? scope = FileTools.WriteScope) =>
        new(name, $"records its calls ({name})", JsonSerializer.SerializeToElement(new { type = "object" }),
            new ToolDeclaration { Effects = effects, Scope = scope, Idempotent = idempotent },
            async (call, cancellationToken) =>
            {
                Keys.Add(call.IdempotencyKey);
                if (Gate is { } gate)
                {
                    await gate(cancellationToken);
                }

                return new ToolResult($"call {Keys.Count}");
            });
}

internal static class ChatClientExtensions
{
    public static ModelRoute Remote(this IChatClient client, string name = "remote") =>
        new(name, RouteLocality.Remote, client, "https://models.example.test/v1");
}
