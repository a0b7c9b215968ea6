// `strata agent status|cancel|submit`: listing tasks and steps, cancelling a waiting task (its done write undone), batches.
namespace Strata.Cli.Tests;

public sealed class AgentLifecycleCommandTests : IDisposable
{
    private static readonly string[] FilesWrite = ["files.write"];
    private static readonly string[] WriteFileOnly = ["write_file"];
    private readonly AgentWorkspace _workspace = new();

    [Fact]
    public void Cancel_SecondWriteWaitingAfterFirstDone_ResumeCompensatesFirstWriteAndEndsCancelled()
    {
        var first = Path.Combine(_workspace.Folder, "first.txt");
        var second = Path.Combine(_workspace.Folder, "second.txt");
        var task = _workspace.WriteJson("two-writes.json", new
        {
            tenant = "acme",
            actor = "ana@acme.example",
            goal = "Write two files, one approval each.",
            scopes = FilesWrite,
            classification = "internal",
            budgets = new { max_steps = 12 },
            tools = WriteFileOnly,
            inputs = new { first, second },
        });
        var script = _workspace.Write("two-writes.script.json", """
            {
              "turns": [
                { "tool_calls": [ { "name": "write_file", "arguments": { "path": "${input.first}", "content": "one\n" } } ] },
                { "tool_calls": [ { "name": "write_file", "arguments": { "path": "${input.second}", "content": "two\n" } } ] }
              ],
              "final": "wrote both"
            }
            """);
        var run = _workspace.Agent("run", task, "--policy", _workspace.GovernedPolicy(), "--script", script);
        Assert.True(run.ExitCode == 3, run.StdErr + run.StdOut);
        var taskId = AgentWorkspace.Lines(run.StdOut)[0];
        Assert.Equal(0, _workspace.Agent("approvals", "approve", AgentWorkspace.ApprovalIdIn(run.StdOut), "--by", "ana", "--reason", "first is fine").ExitCode);
        var resumed = _workspace.Agent("resume", taskId);
        Assert.True(resumed.ExitCode == 3, resumed.StdErr + resumed.StdOut);
        Assert.Equal("one\n", File.ReadAllText(first));

        var waiting = AgentWorkspace.ApprovalIdIn(resumed.StdOut);
        var cancel = _workspace.Agent("cancel", taskId, "--by", "x", "--reason", "y");
        Assert.True(cancel.ExitCode == 0, cancel.StdErr);
        Assert.Equal("", _workspace.Agent("approvals", "list").StdOut);
        var again = _workspace.Agent("approvals", "approve", waiting, "--by", "ana", "--reason", "too late");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already resolved", again.StdErr, StringComparison.Ordinal);
        Assert.Contains($"{taskId}  compensating", _workspace.Agent("status").StdOut, StringComparison.Ordinal);
        var resume = _workspace.Agent("resume", taskId);

        Assert.True(resume.ExitCode == 1, resume.StdErr + resume.StdOut);
        Assert.Equal($"{taskId} cancelled cancelled by x: y", resume.StdOut.Trim());
        Assert.False(File.Exists(first), "the completed write was not compensated");
        Assert.False(File.Exists(second), "the write waiting for approval ran");
        var list = AgentWorkspace.Lines(_workspace.Agent("status").StdOut);
        Assert.StartsWith($"{taskId}  cancelled ", Assert.Single(list), StringComparison.Ordinal);
        var steps = AgentWorkspace.Lines(_workspace.Agent("status", taskId).StdOut);
        Assert.Equal($"{taskId}  cancelled  cancelled by x: y", steps[0]);
        Assert.Matches(@"^step +1 +Tool +Completed +write_file ", steps[2]);
        Assert.Matches(@"^step +3 +Tool +Denied +write_file .*task stopped: cancelled by x: y", steps[4]);
        Assert.Matches(@"^step +4 +Compensation +Completed +delete_file ", steps[5]);
        var show = _workspace.Agent("evidence", "show", taskId).StdOut;
        Assert.Equal(["task.stopping", "approval.denied", "compensation.planned", "compensation.started", "compensation.completed", "task.cancelled"],
            AgentWorkspace.LedgerKinds(show)[^6..]);
        Assert.Contains("\"by\":\"x\",\"reason\":\"task cancelled: y\"", AgentWorkspace.LedgerLineOf(show, "approval.denied"), StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_SeveralFiles_PrintsOneIdPerLineAndStoresEach()
    {
        var files = new[] { _workspace.GovernedTask("a.json"), _workspace.GovernedTask("b.json"), _workspace.GovernedTask("c.json") };

        var submit = _workspace.Agent(["submit", .. files, "--policy", _workspace.GovernedPolicy(), "--script", AgentWorkspace.GovernedScript]);

        Assert.True(submit.ExitCode == 0, submit.StdErr);
        var ids = AgentWorkspace.Lines(submit.StdOut);
        Assert.Equal(3, ids.Length);
        Assert.All(ids, id => Assert.Matches("^task_[0-9a-z]+$", id));
        Assert.Equal(3, ids.Distinct().Count());
        var listed = AgentWorkspace.Lines(_workspace.Agent("status").StdOut).Select(line => line.Split(' ')[0]).Order();
        Assert.Equal(ids.Order(), listed);
    }

    [Fact]
    public void Submit_OneBadFileAmongGood_ExitsTwoAndStoresNothing()
    {
        var good = _workspace.GovernedTask("good.json");
        var bad = _workspace.Write("bad.json", File.ReadAllText(good).Replace("\"budgets\"", "\"budgetz\"", StringComparison.Ordinal));

        var submit = _workspace.Agent("submit", good, bad, _workspace.GovernedTask("also-good.json"), "--script", AgentWorkspace.GovernedScript);

        Assert.Equal(2, submit.ExitCode);
        Assert.Equal("", submit.StdOut);
        Assert.Contains("bad.json", submit.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.Store), "a rejected batch created the store");
        Assert.Equal("", _workspace.Agent("status").StdOut);
    }

    public void Dispose() => _workspace.Dispose();
}
