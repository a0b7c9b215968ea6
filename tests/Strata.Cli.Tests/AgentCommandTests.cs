// `strata agent` as the README's user runs it: approve or deny a governed write, read and verify the evidence, tamper with it.
using Microsoft.Data.Sqlite;

namespace Strata.Cli.Tests;

public sealed class AgentCommandTests : IDisposable
{
    private readonly AgentWorkspace _workspace = new();

    [Fact]
    public void Run_GovernedReadmeFlow_WaitsForApprovalThenCompletesWithIntactEvidence()
    {
        var run = _workspace.Agent("run", _workspace.GovernedTask(), "--policy", _workspace.GovernedPolicy(), "--script", AgentWorkspace.GovernedScript);
        Assert.True(run.ExitCode == 3, run.StdErr + run.StdOut);
        var lines = AgentWorkspace.Lines(run.StdOut);
        var taskId = lines[0];
        Assert.StartsWith("task_", taskId, StringComparison.Ordinal);
        Assert.Equal($"{taskId} waiting_approval", lines[1]);
        var approvalId = AgentWorkspace.ApprovalIdIn(lines[2]);
        Assert.Contains("write_file (writes-need-approval)", lines[2], StringComparison.Ordinal);

        var list = _workspace.Agent("approvals", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{approvalId}  Pending  {taskId}", list.StdOut, StringComparison.Ordinal);

        var approve = _workspace.Agent("approvals", "approve", approvalId, "--by", "ana", "--reason", "ok");
        Assert.True(approve.ExitCode == 0, approve.StdErr);
        Assert.Equal($"{approvalId} approved", approve.StdOut.Trim());
        var again = _workspace.Agent("approvals", "approve", approvalId, "--by", "ana", "--reason", "ok");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already resolved", again.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.Report), "the write ran before resume");

        var resume = _workspace.Agent("resume", taskId);
        Assert.True(resume.ExitCode == 0, resume.StdErr + resume.StdOut);
        Assert.Contains($"{taskId} completed", resume.StdOut, StringComparison.Ordinal);
        Assert.Contains("Wrote the one-line summary to the report file.", resume.StdOut, StringComparison.Ordinal);
        Assert.Equal("Q4: revenue up, costs flat.\n", File.ReadAllText(_workspace.Report));

        var show = _workspace.Agent("evidence", "show", taskId);
        Assert.True(show.ExitCode == 0, show.StdErr);
        var kinds = AgentWorkspace.LedgerKinds(show.StdOut);
        Assert.Equal("task.submitted", kinds[0]);
        Assert.Equal("task.completed", kinds[^1]);
        AssertInOrder(kinds, "task.submitted", "route.chosen", "tool.started", "tool.completed", "approval.requested",
            "approval.approved", "tool.started", "tool.completed", "outcome.checked", "task.completed");
        Assert.Contains("\"rule\":\"local-models-only\"", AgentWorkspace.LedgerLineOf(show.StdOut, "route.chosen"), StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"read-demo-folder\"", AgentWorkspace.LedgerLineOf(show.StdOut, "tool.started"), StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"writes-need-approval\"", AgentWorkspace.LedgerLineOf(show.StdOut, "approval.requested"), StringComparison.Ordinal);
        Assert.Contains($"\"rule\":\"approval:{approvalId}\"", show.StdOut, StringComparison.Ordinal);

        var verify = _workspace.Agent("evidence", "verify", taskId);
        Assert.True(verify.ExitCode == 0, verify.StdErr + verify.StdOut);
        Assert.StartsWith($"intact: {kinds.Count} records", verify.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void ApprovalsDeny_WaitingWrite_TaskCompletesWithoutWriteAndEvidenceNamesWhoAndWhy()
    {
        var (taskId, approvalId) = _workspace.RunGovernedUntilWaiting();

        var deny = _workspace.Agent("approvals", "deny", approvalId, "--by", "bob", "--reason", "not this quarter");
        Assert.True(deny.ExitCode == 0, deny.StdErr);
        Assert.Equal($"{approvalId} denied", deny.StdOut.Trim());
        var resume = _workspace.Agent("resume", taskId);

        Assert.True(resume.ExitCode == 0, resume.StdErr + resume.StdOut);
        Assert.False(File.Exists(_workspace.Report), "a denied write ran");
        var show = _workspace.Agent("evidence", "show", taskId);
        var denied = AgentWorkspace.LedgerLineOf(show.StdOut, "approval.denied");
        Assert.Contains("\"by\":\"bob\"", denied, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"not this quarter\"", denied, StringComparison.Ordinal);
        Assert.Contains("\"tool\":\"write_file\"", AgentWorkspace.LedgerLineOf(show.StdOut, "tool.denied"), StringComparison.Ordinal);
        Assert.DoesNotContain("\"tool\":\"write_file\"", string.Join('\n', AgentWorkspace.Lines(show.StdOut).Where(l => l.Contains(" tool.started ", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Equal("task.completed", AgentWorkspace.LedgerKinds(show.StdOut)[^1]);
    }

    [Fact]
    public void EvidenceVerify_OneByteOfOneRecordChanged_ExitsOneNamingThatRecord()
    {
        var (taskId, _) = _workspace.RunGovernedUntilWaiting();
        Assert.Equal(0, _workspace.Agent("evidence", "verify", taskId).ExitCode);

        // The read's recorded result: "revenue up" becomes "revenue uq", one byte.
        long sequence;
        using (var connection = new SqliteConnection($"Data Source={_workspace.Store};Pooling=False"))
        {
            connection.Open();
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT seq, payload FROM ledger WHERE task_id = $task AND kind = 'tool.completed'";
            find.Parameters.AddWithValue("$task", taskId);
            string payload;
            using (var reader = find.ExecuteReader())
            {
                Assert.True(reader.Read());
                (sequence, payload) = (reader.GetInt64(0), reader.GetString(1));
            }

            var altered = payload.Replace("revenue up", "revenue uq", StringComparison.Ordinal);
            Assert.NotEqual(payload, altered);
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE ledger SET payload = $payload WHERE task_id = $task AND seq = $seq";
            update.Parameters.AddWithValue("$payload", altered);
            update.Parameters.AddWithValue("$task", taskId);
            update.Parameters.AddWithValue("$seq", sequence);
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        var verify = _workspace.Agent("evidence", "verify", taskId);

        Assert.Equal(1, verify.ExitCode);
        Assert.StartsWith($"ALTERED: record {sequence}:", verify.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PolicyFileMissing_RunsNothingAndRecordsPolicyUnreadable()
    {
        var missing = Path.Combine(_workspace.Folder, "nonexistent.json");

        var run = _workspace.Agent("run", _workspace.GovernedTask(), "--policy", missing, "--script", AgentWorkspace.GovernedScript);

        Assert.True(run.ExitCode == 1, run.StdErr + run.StdOut);
        var taskId = AgentWorkspace.Lines(run.StdOut)[0];
        Assert.Equal($"{taskId} failed no_route", AgentWorkspace.Lines(run.StdOut)[1]);
        var status = _workspace.Agent("status", taskId);
        Assert.Equal($"{taskId}  failed  no_route", AgentWorkspace.Lines(status.StdOut)[0]);
        var show = _workspace.Agent("evidence", "show", taskId);
        var refused = AgentWorkspace.LedgerLineOf(show.StdOut, "route.refused");
        Assert.Contains("\"rule\":\"policy-unreadable\"", refused, StringComparison.Ordinal);
        Assert.Contains("nonexistent.json", refused, StringComparison.Ordinal);
        var kinds = AgentWorkspace.LedgerKinds(show.StdOut);
        Assert.DoesNotContain("model.started", kinds);
        Assert.DoesNotContain("tool.started", kinds);
        Assert.Equal("task.failed", kinds[^1]);
    }

    public void Dispose() => _workspace.Dispose();

    // Each expected kind appears after the previous one (other records may sit between them).
    private static void AssertInOrder(List<string> kinds, params string[] expected)
    {
        var at = 0;
        foreach (var kind in expected)
        {
            at = kinds.IndexOf(kind, at);
            Assert.True(at >= 0, $"'{kind}' missing or out of order in: {string.Join(", ", kinds)}");
            at++;
        }
    }
}
