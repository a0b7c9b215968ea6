// Authority before action: unknown or unoffered tools are denied, approvals gate exactly one call, a broken policy denies all.
using System.Text.Json;

namespace Strata.Agents.Tests.Runtime;

public sealed class AuthorityTests
{
    private static object Line(string text, string path) => new { path, line = text };

    [Fact]
    public async Task Run_AllowedCalls_CompleteAndLedgerVerifies()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call("append_line", Line("step ${turn}", "${input.output_file}"), repeat: 3)));
        var id = runtime.Submit(bed.Contract("append_line"));
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        Assert.Equal("finished", result.Answer);
        Assert.Equal(["step 1", "step 2", "step 3"], bed.OutputLines);
        Assert.True(Evidence.Ledger.LedgerChain.Verify(id, bed.Store.Ledger(id)).Intact);
    }

    [Theory]
    [InlineData("rm_rf", "contract:unknown-tool")]
    [InlineData("read_file", "contract:tool-not-offered")]
    public async Task Run_ToolOutsideContract_IsDeniedAndNeverRuns(string tool, string rule)
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call(tool, new { path = bed.Output })));
        File.WriteAllText(bed.Output, "secret");
        var id = runtime.Submit(bed.Contract("append_line"));
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        var step = Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool);
        Assert.Equal(StepStatus.Denied, step.Status);
        Assert.Equal(rule, step.Detail);
        Assert.Equal(0, step.Attempts);
    }

    [Fact]
    public async Task Run_ScopeNotGranted_IsDenied()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call("append_line", Line("x", bed.Output))));
        var id = runtime.Submit(bed.Contract("append_line") with { Scopes = [FileTools.ReadScope] });
        await runtime.RunAsync(id);

        Assert.Equal("contract:scope-not-granted", Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool).Detail);
        Assert.Empty(bed.OutputLines);
    }

    [Fact]
    public async Task Run_PathOutsideWorkspace_IsDeniedByDefault()
    {
        using var bed = new AgentTestBed();
        var outside = Path.Combine(bed.Folder, "outside.txt");
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call("append_line", Line("x", bed.Workspace + "/../outside.txt"))));
        var id = runtime.Submit(bed.Contract("append_line"));
        await runtime.RunAsync(id);

        Assert.Equal("default-deny", Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool).Detail);
        Assert.False(File.Exists(outside));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{\"version\": 1, \"rules\": [")]
    [InlineData("{\"version\": 1, \"rules\": [{\"id\": \"a\", \"target\": \"tool\", \"decision\": \"allow\", \"toolz\": [\"x\"]}]}")]
    public async Task Run_MissingOrBrokenPolicy_DeniesEverything(string? policy)
    {
        using var bed = new AgentTestBed(policy);
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call("append_line", Line("x", bed.Output))));
        var id = runtime.Submit(bed.Contract("append_line"));
        var result = await runtime.RunAsync(id);

        // Even the model route is refused: nothing runs under a policy that cannot be read.
        Assert.Equal(AgentTaskStatus.Failed, result.Status);
        Assert.Equal("no_route", result.StopReason);
        Assert.Empty(bed.OutputLines);
        Assert.Contains(bed.Store.Ledger(id), e => e.Kind == "route.refused");
    }

    [Fact]
    public async Task Approval_NeverRunsBeforeApproval_AcrossRestartsAndRepeats()
    {
        using var bed = new AgentTestBed();
        var script = AgentTestBed.Script(AgentTestBed.Call("write_file", new { path = bed.Output, content = "v1" }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("write_file"));

        Assert.Equal(AgentTaskStatus.WaitingApproval, (await runtime.RunAsync(id)).Status);
        for (var restart = 0; restart < 3; restart++)
        {
            var result = await bed.Runtime(script).RunAsync(id);
            Assert.Equal(AgentTaskStatus.WaitingApproval, result.Status);
            Assert.Single(result.PendingApprovals);
        }

        Assert.False(File.Exists(bed.Output));
        var approval = Assert.Single(bed.Store.Approvals(id));
        Assert.Equal(ApprovalResolution.Resolved, bed.Runtime(script).Resolve(approval.ApprovalId, approve: true, "ana", "looks right"));
        Assert.Equal(ApprovalResolution.AlreadyResolved, bed.Runtime(script).Resolve(approval.ApprovalId, approve: false, "bob", "late"));

        var done = await bed.Runtime(script).RunAsync(id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal("v1", File.ReadAllText(bed.Output));
        Assert.Single(bed.Store.Approvals(id));
    }

    [Fact]
    public async Task Approval_AuthorizesOneCall_RepeatRaisesItsOwn()
    {
        using var bed = new AgentTestBed();
        var script = AgentTestBed.Script(AgentTestBed.Call("write_file", new { path = bed.Output, content = "same" }, repeat: 2));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("write_file"));
        await runtime.RunAsync(id);
        var first = Assert.Single(bed.Store.Approvals(id));
        runtime.Resolve(first.ApprovalId, approve: true, "ana", "once");

        var result = await bed.Runtime(script).RunAsync(id);

        // The model asked again with the same arguments: a new call, so a new approval, not a free pass.
        Assert.Equal(AgentTaskStatus.WaitingApproval, result.Status);
        var second = Assert.Single(result.PendingApprovals);
        Assert.NotEqual(first.ApprovalId, second.ApprovalId);
        Assert.Equal(first.ArgumentsHash, second.ArgumentsHash);
        Assert.NotEqual(first.IdempotencyKey, second.IdempotencyKey);
        Assert.Equal(2, bed.Store.Approvals(id).Count);
    }

    [Fact]
    public async Task Approval_Denied_CallNeverRuns_TaskGoesOn()
    {
        using var bed = new AgentTestBed();
        var script = AgentTestBed.Script(AgentTestBed.Call("write_file", new { path = bed.Output, content = "v1" }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("write_file"));
        await runtime.RunAsync(id);
        runtime.Resolve(Assert.Single(bed.Store.Approvals(id)).ApprovalId, approve: false, "ana", "not today");

        var result = await bed.Runtime(script).RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        Assert.False(File.Exists(bed.Output));
        var step = Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool);
        Assert.Equal(StepStatus.Denied, step.Status);
        Assert.Contains(bed.Store.Ledger(id), e => e.Kind == "approval.denied");
    }

    [Fact]
    public async Task Approval_PolicyTightenedAfterApproval_StillDenied()
    {
        using var bed = new AgentTestBed();
        var script = AgentTestBed.Script(AgentTestBed.Call("write_file", new { path = bed.Output, content = "v1" }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("write_file"));
        await runtime.RunAsync(id);
        runtime.Resolve(Assert.Single(bed.Store.Approvals(id)).ApprovalId, approve: true, "ana", "ok");
        bed.PolicyJson = """{"version": 1, "rules": [{"id": "routes", "target": "route", "decision": "allow"}]}""";

        await bed.Runtime(script).RunAsync(id);

        Assert.False(File.Exists(bed.Output));
        Assert.Equal("default-deny", Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool).Detail);
    }

    [Fact]
    public void Submit_InvalidContract_NamesTheField()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script());
        var error = Assert.Throws<ContractException>(() => runtime.Submit(bed.Contract() with { Budgets = new TaskBudgets { MaxSteps = 0 } }));
        Assert.Equal("$.budgets.max_steps", error.Field);

        var json = """{"tenant": "t", "actor": "a", "goal": "g", "budgets": {"max_stepz": 3}}""";
        var parse = Assert.Throws<ContractException>(() => AgentJson.ReadContract(json, bed.Time.GetUtcNow()));
        Assert.Contains("max_stepz", parse.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Store.Tasks());
    }

    [Fact]
    public async Task Approval_ToolChangedAfterApproval_IsANewToolNeedingItsOwn()
    {
        using var bed = new AgentTestBed("""
            {"version": 1, "rules": [
              {"id": "routes", "target": "route", "decision": "allow"},
              {"id": "gate", "target": "tool", "tools": ["deploy"], "decision": "require_approval"}
            ]}
            """);
        var recorder = new RecordingTool();
        bed.ExtraTools.Add(recorder.Tool("deploy", idempotent: true));
        var script = AgentTestBed.Script(AgentTestBed.Call("deploy", new { version = 1 }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("deploy"));
        var first = Assert.Single((await runtime.RunAsync(id)).PendingApprovals);
        runtime.Resolve(first.ApprovalId, approve: true, "ana", "v1 reviewed");

        // The tool now says something else (as an MCP server might, after the approval): a different identity.
        bed.ExtraTools.Clear();
        bed.ExtraTools.Add(new AgentTool("deploy", "deploys AND deletes the old release", System.Text.Json.JsonSerializer.SerializeToElement(new { type = "object" }),
            new ToolDeclaration { Effects = ToolEffects.Write, Scope = FileTools.WriteScope, Idempotent = true },
            (call, _) => { recorder.Keys.Add(call.IdempotencyKey); return ValueTask.FromResult(new ToolResult("deployed")); }));
        var result = await bed.Runtime(script).RunAsync(id);

        Assert.Equal(AgentTaskStatus.WaitingApproval, result.Status);
        var second = Assert.Single(result.PendingApprovals);
        Assert.NotEqual(first.ApprovalId, second.ApprovalId);
        Assert.NotEqual(first.ToolIdentity, second.ToolIdentity);
        Assert.Empty(recorder.Keys);
    }
}
