// The tools of a real MCP server (@modelcontextprotocol/server-filesystem) run under the same policy and approvals as local ones.
using Strata.Agents.Tests.Mcp;

namespace Strata.Agents.Tests.Runtime;

public sealed class McpGovernanceTests
{
    private const string Policy = """
        {"version": 1, "rules": [
          {"id": "routes", "target": "route", "decision": "allow"},
          {"id": "reads", "target": "tool", "tools": ["list_directory", "read_text_file"], "arguments": [{"path": "path", "inside_folder": "WORKSPACE"}], "decision": "allow"},
          {"id": "writes", "target": "tool", "tools": ["write_file"], "arguments": [{"path": "path", "inside_folder": "WORKSPACE"}], "decision": "require_approval"}
        ]}
        """;

    [Fact]
    public async Task Run_McpTools_DecidedByPolicyAndApprovals()
    {
        using var bed = new AgentTestBed(Policy) { FileToolsOn = false };
        var secret = Path.Combine(bed.Folder, "secret.txt");
        File.WriteAllText(secret, "outside the workspace");
        File.WriteAllText(Path.Combine(bed.Workspace, "notes.txt"), "inside");
        var spec = McpServers.Filesystem(bed.Folder) with
        {
            Tools = new Dictionary<string, ToolDeclaration>
            {
                ["list_directory"] = new() { Effects = ToolEffects.Read, Scope = FileTools.ReadScope, Idempotent = true },
                ["read_text_file"] = new() { Effects = ToolEffects.Read, Scope = FileTools.ReadScope, Idempotent = true },
                ["write_file"] = new() { Effects = ToolEffects.Write, Scope = FileTools.WriteScope, Idempotent = true },
            },
        };
        await using var server = await McpToolSource.ConnectAsync(spec, CancellationToken.None);
        bed.ExtraTools.AddRange(server.Tools);
        var report = Path.Combine(bed.Workspace, "report.txt");
        var script = AgentTestBed.Script(
            AgentTestBed.Call("list_directory", new { path = bed.Workspace }),
            AgentTestBed.Call("read_text_file", new { path = secret }),
            AgentTestBed.Call("write_file", new { path = report, content = "from MCP" }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("list_directory", "read_text_file", "write_file"));

        var waiting = await runtime.RunAsync(id);
        Assert.Equal(AgentTaskStatus.WaitingApproval, waiting.Status);
        Assert.Equal("write_file", Assert.Single(waiting.PendingApprovals).Tool);
        Assert.False(File.Exists(report));
        Assert.Equal(AgentTaskStatus.WaitingApproval, (await bed.Runtime(script).RunAsync(id)).Status);
        Assert.Single(bed.Store.Approvals(id));

        var steps = bed.Store.Steps(id).Where(s => s.Kind == StepKind.Tool).ToList();
        Assert.Equal(StepStatus.Completed, steps[0].Status);
        Assert.Contains("notes.txt", bed.Store.FindBlob(steps[0].ResultHash!) is { } listing ? System.Text.Encoding.UTF8.GetString(listing) : "", StringComparison.Ordinal);
        Assert.Equal(StepStatus.Denied, steps[1].Status); // the MCP server would allow it (its root is the parent); the policy does not
        Assert.Equal("default-deny", steps[1].Detail);

        bed.Runtime(script).Resolve(waiting.PendingApprovals[0].ApprovalId, approve: true, "ana", "ok");
        Assert.Equal(AgentTaskStatus.Completed, (await bed.Runtime(script).RunAsync(id)).Status);
        Assert.Equal("from MCP", File.ReadAllText(report));
    }
}
