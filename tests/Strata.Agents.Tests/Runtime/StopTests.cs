// Budgets, deadlines, failed checks and cancellation stop a task with their reason and compensate its completed steps.
using System.Text.Json;

namespace Strata.Agents.Tests.Runtime;

public sealed class StopTests
{
    private const string AllowAll = """
        {"version": 1, "rules": [
          {"id": "routes", "target": "route", "decision": "allow"},
          {"id": "workspace", "target": "tool", "arguments": [{"path": "path", "inside_folder": "WORKSPACE"}], "decision": "allow"}
        ]}
        """;

    [Fact]
    public async Task Budget_Steps_StopsAndCompensatesInReverse()
    {
        using var bed = new AgentTestBed(AllowAll);
        var a = Path.Combine(bed.Workspace, "a.txt");
        var b = Path.Combine(bed.Workspace, "b.txt");
        var runtime = bed.Runtime(AgentTestBed.Script(
            AgentTestBed.Call("write_file", new { path = a, content = "A" }),
            AgentTestBed.Call("write_file", new { path = b, content = "B" }),
            AgentTestBed.Call("append_line", new { path = bed.Output, line = "never" })));
        var id = runtime.Submit(bed.Contract("write_file", "append_line") with { Budgets = new TaskBudgets { MaxSteps = 5 } });
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Failed, result.Status);
        Assert.Equal("budget:steps", result.StopReason);
        Assert.False(File.Exists(a));
        Assert.False(File.Exists(b));
        var compensations = bed.Store.Steps(id).Where(s => s.Kind == StepKind.Compensation).ToList();
        Assert.Equal(["3", "1"], compensations.Select(s => s.CallId));
        Assert.All(compensations, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.True(Evidence.Ledger.LedgerChain.Verify(id, bed.Store.Ledger(id)).Intact);
    }

    [Fact]
    public async Task Deadline_Passed_StopsWithDeadline()
    {
        using var bed = new AgentTestBed(AllowAll);
        var script = AgentTestBed.Script(AgentTestBed.Call("append_line", new { path = bed.Output, line = "x" }, repeat: 5));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("append_line") with { Deadline = bed.Time.GetUtcNow().AddMinutes(5) });
        bed.Time.Advance(TimeSpan.FromMinutes(6));

        var result = await runtime.RunAsync(id);
        Assert.Equal("deadline", result.StopReason);
        Assert.Empty(bed.OutputLines);
    }

    [Fact]
    public async Task Cancel_CompensatesCompletedSteps()
    {
        using var bed = new AgentTestBed(AllowAll);
        var a = Path.Combine(bed.Workspace, "a.txt");
        var script = AgentTestBed.Script(
            AgentTestBed.Call("write_file", new { path = a, content = "A" }),
            AgentTestBed.Call("read_file", new { path = "/etc/hostname" }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("write_file") with { Budgets = new TaskBudgets { MaxSteps = 2 } });
        await runtime.RunAsync(id);
        Assert.False(File.Exists(a)); // stopped by budget after the write: compensated

        var second = runtime.Submit(bed.Contract("write_file"));
        Assert.True(runtime.Cancel(second, "ana", "wrong task"));
        var result = await runtime.RunAsync(second);
        Assert.Equal(AgentTaskStatus.Cancelled, result.Status);
    }

    [Fact]
    public async Task Outcome_SchemaFailure_RetriesWithFeedbackThenPasses()
    {
        using var bed = new AgentTestBed(AllowAll);
        var script = new ModelScript
        {
            Turns = [new ScriptTurn { Text = "not json" }, new ScriptTurn { Text = """{"total": "x"}""" }],
            Final = """{"total": 3}""",
        };
        var runtime = bed.Runtime(script);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"total":{"type":"integer"}},"required":["total"]}""").RootElement;
        var id = runtime.Submit(bed.Contract() with { Outcome = new OutcomeContract { OutputSchema = schema, MaxRetries = 2 } });
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        Assert.Equal("""{"total": 3}""", result.Answer);
        Assert.Equal(2, bed.Store.Steps(id).Count(s => s.Kind == StepKind.Validation && s.Status == StepStatus.Failed));
    }

    [Fact]
    public async Task Outcome_CheckFailsWithFail_TaskFails()
    {
        using var bed = new AgentTestBed(AllowAll);
        var runtime = bed.Runtime(AgentTestBed.Script());
        var outcome = new OutcomeContract { Checks = [new OutcomeCheck { Name = "says-ok", Kind = OutcomeCheckKind.Contains, Value = "OK" }], OnFailure = CheckFailureAction.Fail };
        var result = await runtime.RunAsync(runtime.Submit(bed.Contract() with { Outcome = outcome }));

        Assert.Equal(AgentTaskStatus.Failed, result.Status);
        Assert.Equal("check_failed:says-ok", result.StopReason);
    }

    [Fact]
    public async Task Outcome_Escalated_ApprovalAcceptsAnswer()
    {
        using var bed = new AgentTestBed(AllowAll);
        var script = AgentTestBed.Script();
        var runtime = bed.Runtime(script);
        var outcome = new OutcomeContract { Checks = [new OutcomeCheck { Name = "says-ok", Kind = OutcomeCheckKind.Regex, Value = "^OK$" }], OnFailure = CheckFailureAction.Escalate };
        var id = runtime.Submit(bed.Contract() with { Outcome = outcome });
        var waiting = await runtime.RunAsync(id);
        Assert.Equal(ApprovalKind.Outcome, Assert.Single(waiting.PendingApprovals).Kind);

        runtime.Resolve(waiting.PendingApprovals[0].ApprovalId, approve: true, "ana", "fine as it is");
        var result = await bed.Runtime(script).RunAsync(id);
        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        Assert.Equal("finished", result.Answer);
    }

    [Theory]
    [InlineData("{\"pass\": true, \"reason\": \"meets the rubric\"}", AgentTaskStatus.Completed)]
    [InlineData("{\"pass\": false, \"reason\": \"too vague\"}", AgentTaskStatus.Failed)]
    [InlineData("PASS", AgentTaskStatus.Failed)]
    public async Task Outcome_ModelGraded_GraderVerdictDecides(string verdict, AgentTaskStatus expected)
    {
        using var bed = new AgentTestBed(AllowAll);
        // A scripted model answers each fresh conversation with its first turn: the task's answer, and the grader's verdict.
        var runtime = bed.Runtime(new ModelScript { Turns = [new ScriptTurn { Text = verdict }] });
        var outcome = new OutcomeContract
        {
            Checks = [new OutcomeCheck { Name = "grade", Kind = OutcomeCheckKind.ModelGraded, Value = "The answer is a verdict." }],
            OnFailure = CheckFailureAction.Fail,
        };
        var id = runtime.Submit(bed.Contract() with { Outcome = outcome });
        var result = await runtime.RunAsync(id);

        Assert.Equal(expected, result.Status);
        Assert.Contains(bed.Store.Ledger(id), e => e.Kind == "grader.route_chosen");
        if (expected == AgentTaskStatus.Failed)
        {
            Assert.Equal("check_failed:grade", result.StopReason);
        }
    }

    [Fact]
    public async Task Cancel_FromAnotherRuntimeDuringRun_StopsAtNextStep()
    {
        using var bed = new AgentTestBed(AllowAll);
        var recorder = new RecordingTool();
        bed.PolicyJson = """{"version": 1, "rules": [{"id": "r", "target": "route", "decision": "allow"}, {"id": "t", "target": "tool", "tools": ["slow"], "decision": "allow"}]}""";
        bed.ExtraTools.Add(recorder.Tool("slow", idempotent: true));
        var script = AgentTestBed.Script(AgentTestBed.Call("slow", new { }, repeat: 5));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("slow"));

        // While the first call runs, someone else (the CLI, the server) cancels the task through its own store connection.
        var other = SqliteCheckpointStore.Open(bed.StorePath);
        recorder.Gate = _ =>
        {
            if (recorder.Keys.Count == 1)
            {
                new AgentRuntime(runtime.Options with { Store = other }).Cancel(id, "ops", "stop now");
            }

            return Task.CompletedTask;
        };
        var result = await runtime.RunAsync(id);
        other.Dispose();

        Assert.Equal(AgentTaskStatus.Cancelled, result.Status);
        Assert.Single(recorder.Keys);
    }
}
