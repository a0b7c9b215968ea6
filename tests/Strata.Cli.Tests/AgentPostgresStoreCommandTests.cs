// `strata agent --store postgres:…`: the governed flow with its store on PostgreSQL, each command a process of its own as
// on different nodes; a server that cannot be reached is bad input whose message never shows the password.
using Strata.Tests.Shared;

namespace Strata.Cli.Tests;

public sealed class AgentPostgresStoreCommandTests : IDisposable
{
    private readonly AgentWorkspace _workspace = new("postgres:" + PostgresServer.CreateDatabase());

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Run_GovernedFlowOnPostgresStore_ApprovedInAnotherProcessResumesToCompletionWithIntactEvidence()
    {
        var (taskId, approvalId) = _workspace.RunGovernedUntilWaiting();

        var status = _workspace.Agent("status");
        Assert.True(status.ExitCode == 0, status.StdErr);
        Assert.Contains(taskId, status.StdOut, StringComparison.Ordinal);
        var approve = _workspace.Agent("approvals", "approve", approvalId, "--by", "ana", "--reason", "ok");
        Assert.True(approve.ExitCode == 0, approve.StdErr);
        var resume = _workspace.Agent("resume", taskId);
        Assert.True(resume.ExitCode == 0, resume.StdErr + resume.StdOut);
        Assert.Contains($"{taskId} completed", resume.StdOut, StringComparison.Ordinal);
        Assert.Equal("Q4: revenue up, costs flat.\n", File.ReadAllText(_workspace.Report));

        var verify = _workspace.Agent("evidence", "verify", taskId);
        Assert.True(verify.ExitCode == 0, verify.StdErr + verify.StdOut);
        Assert.StartsWith("intact: ", verify.StdOut, StringComparison.Ordinal);
        Assert.Contains("approval.approved", _workspace.Agent("evidence", "show", taskId).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_PostgresServerUnreachable_ExitsTwoNamingTheStoreButNotThePassword()
    {
        var status = StrataProcess.Run("agent", "status", "--store", "postgres:Host=127.0.0.1;Port=1;Username=strata;Password=s3cret-pw;Database=tasks");

        Assert.True(status.ExitCode == 2, $"exit {status.ExitCode}: {status.StdErr}{status.StdOut}");
        var line = Assert.Single(AgentWorkspace.Lines(status.StdErr));
        Assert.StartsWith("error: store 'postgresql://127.0.0.1:1/tasks (schema strata_agents)' cannot be reached", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", status.StdErr, StringComparison.Ordinal);
    }
}
