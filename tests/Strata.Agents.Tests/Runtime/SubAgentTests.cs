// Sub-agents: a sub-task never holds more authority than its parent, and an approval can never be bypassed by nesting.
namespace Strata.Agents.Tests.Runtime;

public sealed class SubAgentTests
{
    // The workspace policy, plus the sub-agent tool itself: delegating is a call the policy decides like any other.
    private const string Policy = """
        {"version": 1, "rules": [
          {"id": "routes", "target": "route", "decision": "allow"},
          {"id": "delegate", "target": "tool", "tools": ["writer"], "decision": "allow"},
          {"id": "approve-writes", "target": "tool", "tools": ["write_file"], "decision": "require_approval"},
          {"id": "workspace", "target": "tool", "arguments": [{"path": "path", "inside_folder": "WORKSPACE"}], "decision": "allow"}
        ]}
        """;

    private static AgentRuntime Runtime(AgentTestBed bed, ModelScript parent, ModelScript child, SubAgentSpec spec)
    {
        var runtime = bed.Runtime([
            new ModelRoute("parent", RouteLocality.InProcess, new ScriptedChatClient(parent), "parent script"),
            new ModelRoute("child", RouteLocality.InProcess, new ScriptedChatClient(child), "child script")]);
        runtime.AddSubAgent(spec);
        return runtime;
    }

    private static SubAgentSpec Writer => new() { Name = "writer", Tools = ["write_file", "append_line", "delete_file"], Route = "child" };

    private static ModelScript Delegate(string goal) => AgentTestBed.Script(AgentTestBed.Call("writer", new { goal }));

    [Fact]
    public async Task SubTask_CallNeedingApproval_RaisesExactlyOneAndWaitsThenCompletes()
    {
        using var bed = new AgentTestBed(Policy);
        var report = Path.Combine(bed.Workspace, "report.txt");
        var child = AgentTestBed.Script(AgentTestBed.Call("write_file", new { path = report, content = "from the sub-agent" }));
        var contract = bed.Contract("writer", "write_file") with { Model = "parent" };
        var runtime = Runtime(bed, Delegate("write the report"), child, Writer);
        var id = runtime.Submit(contract);

        var waiting = await runtime.RunAsync(id);
        Assert.Equal(AgentTaskStatus.WaitingApproval, waiting.Status);
        var approval = Assert.Single(waiting.PendingApprovals);
        Assert.Equal("write_file", approval.Tool);
        Assert.NotEqual(id, approval.TaskId);
        Assert.False(File.Exists(report));

        // Resumed again and again (as after restarts), the nested call still raises one approval and never runs.
        for (var restart = 0; restart < 3; restart++)
        {
            var again = Runtime(bed, Delegate("write the report"), child, Writer);
            Assert.Equal(AgentTaskStatus.WaitingApproval, (await again.RunAsync(id)).Status);
        }

        Assert.Single(bed.Store.Approvals(status: ApprovalStatus.Pending));
        Assert.Equal(2, bed.Store.Tasks().Count);
        Assert.False(File.Exists(report));

        var resumed = Runtime(bed, Delegate("write the report"), child, Writer);
        resumed.Resolve(approval.ApprovalId, approve: true, "ana", "ok");
        var done = await resumed.RunAsync(id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal("from the sub-agent", File.ReadAllText(report));
        Assert.All(bed.Store.Tasks(), t => Assert.Equal(AgentTaskStatus.Completed, t.Status));
    }

    [Fact]
    public async Task SubTask_NeverGainsToolsOrScopesItsParentLacks()
    {
        using var bed = new AgentTestBed(Policy);
        var child = AgentTestBed.Script(
            AgentTestBed.Call("append_line", new { path = bed.Output, line = "x" }),
            AgentTestBed.Call("write_file", new { path = bed.Output, content = "y" }));
        // The parent is offered the sub-agent and write_file but not append_line, and holds no write scope.
        var contract = bed.Contract("writer", "write_file") with { Model = "parent", Scopes = [FileTools.ReadScope] };
        var runtime = Runtime(bed, Delegate("try everything"), child, Writer);
        var id = runtime.Submit(contract);
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        var sub = Assert.Single(bed.Store.Tasks(), t => t.ParentTaskId == id);
        var subContract = runtime.ContractOf(sub.TaskId);
        Assert.Equal(["write_file"], subContract.Tools);
        Assert.Equal([FileTools.ReadScope], subContract.Scopes);
        Assert.True(subContract.Budgets.MaxSteps <= contract.Budgets.MaxSteps);
        var steps = bed.Store.Steps(sub.TaskId).Where(s => s.Kind == StepKind.Tool).ToList();
        Assert.Equal("contract:tool-not-offered", steps[0].Detail);
        Assert.Equal("contract:scope-not-granted", steps[1].Detail);
        Assert.False(File.Exists(bed.Output));
    }
}
