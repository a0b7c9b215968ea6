// Crash recovery inside one test process: a run cancelled mid-call leaves the call in doubt, and a fresh runtime resumes it.
namespace Strata.Agents.Tests.Runtime;

public sealed class RecoveryTests
{
    private const string AllowRecorders = """
        {"version": 1, "rules": [
          {"id": "routes", "target": "route", "decision": "allow"},
          {"id": "recorders", "target": "tool", "tools": ["charge", "upsert"], "decision": "allow"}
        ]}
        """;

    private static async Task<(AgentTestBed Bed, RecordingTool Tool, string TaskId, ModelScript Script)> CrashInsideCall(bool idempotent)
    {
        var bed = new AgentTestBed(AllowRecorders);
        var tool = new RecordingTool();
        var name = idempotent ? "upsert" : "charge";
        bed.ExtraTools.Add(tool.Tool(name, idempotent));
        var script = AgentTestBed.Script(AgentTestBed.Call(name, new { amount = 5 }));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract(name));

        // The side effect happens, then the process "dies" before the result is checkpointed.
        using var crash = new CancellationTokenSource();
        tool.Gate = async token =>
        {
            await crash.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runtime.RunAsync(id, crash.Token));
        tool.Gate = null;
        Assert.Equal(StepStatus.Started, Assert.Single(bed.Store.Steps(id), s => s.Kind == StepKind.Tool).Status);
        return (bed, tool, id, script);
    }

    [Fact]
    public async Task Resume_InDoubtIdempotentCall_RetriedWithSameKey()
    {
        var (bed, tool, id, script) = await CrashInsideCall(idempotent: true);
        using (bed)
        {
            var result = await bed.Runtime(script).RunAsync(id);

            Assert.Equal(AgentTaskStatus.Completed, result.Status);
            Assert.Equal(2, tool.Keys.Count);
            Assert.Equal(tool.Keys[0], tool.Keys[1]);
            Assert.Contains(bed.Store.Ledger(id), e => e.Kind == "tool.in_doubt");
        }
    }

    [Fact]
    public async Task Resume_InDoubtNonIdempotentCall_EscalatedNeverRepeated()
    {
        var (bed, tool, id, script) = await CrashInsideCall(idempotent: false);
        using (bed)
        {
            for (var restart = 0; restart < 3; restart++)
            {
                var waiting = await bed.Runtime(script).RunAsync(id);
                Assert.Equal(AgentTaskStatus.WaitingApproval, waiting.Status);
                Assert.Equal(ApprovalKind.InDoubt, Assert.Single(waiting.PendingApprovals).Kind);
            }

            Assert.Single(tool.Keys);
            var approval = Assert.Single(bed.Store.Approvals(id));
            bed.Runtime(script).Resolve(approval.ApprovalId, approve: false, "ops", "the charge went through");

            var result = await bed.Runtime(script).RunAsync(id);
            Assert.Equal(AgentTaskStatus.Completed, result.Status);
            Assert.Single(tool.Keys);
        }
    }

    [Fact]
    public async Task Resume_InDoubtApproved_RunsAgainWithSameKey()
    {
        var (bed, tool, id, script) = await CrashInsideCall(idempotent: false);
        using (bed)
        {
            await bed.Runtime(script).RunAsync(id);
            bed.Runtime(script).Resolve(Assert.Single(bed.Store.Approvals(id)).ApprovalId, approve: true, "ops", "it did not go through");

            var result = await bed.Runtime(script).RunAsync(id);
            Assert.Equal(AgentTaskStatus.Completed, result.Status);
            Assert.Equal([tool.Keys[0], tool.Keys[0]], tool.Keys);
        }
    }

    [Fact]
    public async Task Resume_CompletedCalls_NeverRerun()
    {
        using var bed = new AgentTestBed();
        var script = AgentTestBed.Script(AgentTestBed.Call("append_line", new { path = "${input.output_file}", line = "step ${turn}" }, repeat: 4));
        var runtime = bed.Runtime(script);
        var id = runtime.Submit(bed.Contract("append_line"));
        await runtime.RunAsync(id);

        for (var again = 0; again < 3; again++)
        {
            Assert.Equal(AgentTaskStatus.Completed, (await bed.Runtime(script).RunAsync(id)).Status);
        }

        Assert.Equal(["step 1", "step 2", "step 3", "step 4"], bed.OutputLines);
    }
}
