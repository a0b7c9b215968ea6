// Crash safety end to end: a real `strata agent resume` process killed with SIGKILL at seeded random moments, restarted until
// 50 ten-step tasks finish; every non-idempotent append happens exactly once, and every in-doubt call is escalated, never repeated.
using System.Diagnostics;
using System.Text.Json;
using Strata.Agents;
using Strata.Evidence.Ledger;

namespace Strata.Cli.Tests;

public sealed class AgentChaosTests : IDisposable
{
    private const int TaskCount = 50;
    private const int StepsPerTask = 10;
    private const int ExitWaitingForApproval = 3; // strata agent run/resume: a task waits for a person
    private static readonly string[] AppendLineOnly = ["append_line"];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "strata-chaos-" + Guid.NewGuid().ToString("N"));

    public AgentChaosTests() => Directory.CreateDirectory(Path.Combine(_folder, "out"));

    [Fact]
    public void Resume_KilledAtRandomMoments_EveryAppendHappensExactlyOnce()
    {
        var store = Path.Combine(_folder, "tasks.db");
        var policy = Path.Combine(_folder, "policy.json");
        File.WriteAllText(policy, JsonSerializer.Serialize(new
        {
            version = 1,
            rules = new object[]
            {
                new { id = "routes", target = "route", decision = "allow" },
                new { id = "chaos-output", target = "tool", tools = AppendLineOnly, arguments = new[] { new { path = "path", inside_folder = Path.Combine(_folder, "out") } }, decision = "allow" },
            },
        }));
        var files = new List<string>();
        for (var task = 0; task < TaskCount; task++)
        {
            var file = Path.Combine(_folder, $"task-{task:D2}.json");
            var contract = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(AgentWorkspace.Example("chaos", "task.json")))!;
            contract["inputs"] = JsonSerializer.SerializeToElement(new { output_file = Output(task) });
            File.WriteAllText(file, JsonSerializer.Serialize(contract));
            files.Add(file);
        }

        var submit = StrataProcess.Run(["agent", "submit", .. files, "--store", store, "--policy", policy, "--script", AgentWorkspace.Example("chaos", "script.json")]);
        Assert.True(submit.ExitCode == 0, submit.StdErr);

        var random = new Random(20261205);
        int kills = 0, escalations = 0;
        for (var round = 0; round < 300 && !AllFinished(store); round++)
        {
            if (RunUntilKilled(store, random.Next(1, 120)))
            {
                kills++;
            }

            escalations += ResolveInDoubt(store);
        }

        Assert.True(AllFinished(store), $"tasks still open after {kills} kills");
        Assert.True(kills >= 10, $"only {kills} runs were killed; the test did not exercise crashes");
        using var opened = SqliteCheckpointStore.Open(store);
        for (var task = 0; task < TaskCount; task++)
        {
            var expected = Enumerable.Range(1, StepsPerTask).Select(n => $"step {n}").ToArray();
            Assert.Equal(expected, File.ReadAllLines(Output(task)));
        }

        foreach (var task in opened.Tasks())
        {
            Assert.Equal(AgentTaskStatus.Completed, task.Status);
            Assert.True(LedgerChain.Verify(task.TaskId, opened.Ledger(task.TaskId)).Intact);
        }

        // Escalations are what a kill between "started" and "completed" must produce; report how many the seed made.
        Console.WriteLine($"chaos: {kills} kills, {escalations} in-doubt calls escalated and resolved");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string Output(int task) => Path.Combine(_folder, "out", $"task-{task:D2}.txt");

    // Starts `strata agent resume` over every open task and kills it (SIGKILL) once it has appended `records` more ledger
    // records (progress, not time, so a slow machine is killed as often as a fast one); true when it was killed.
    private static bool RunUntilKilled(string store, int records)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "agent", "resume", "--store", store })
        {
            start.ArgumentList.Add(arg);
        }

        var target = LedgerRecords(store) + records;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (!process.WaitForExit(TimeSpan.FromMilliseconds(2)))
        {
            if (LedgerRecords(store) >= target || deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return true;
            }
        }

        process.WaitForExit();
        Assert.True(process.ExitCode is 0 or ExitWaitingForApproval, $"resume exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        return false;
    }

    // Ledger records in the store so far, read beside the running process (WAL readers never block the writer).
    private static long LedgerRecords(string store)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ledger";
        return (long)command.ExecuteScalar()!;
    }

    // The person's side: for each in-doubt append, look at the file; deny a repeat if the line is there, approve it if not.
    private static int ResolveInDoubt(string store)
    {
        using var opened = SqliteCheckpointStore.Open(store);
        var resolved = 0;
        foreach (var approval in opened.Approvals(status: ApprovalStatus.Pending))
        {
            Assert.Equal(ApprovalKind.InDoubt, approval.Kind);
            var arguments = JsonDocument.Parse(opened.FindBlob(approval.ArgumentsHash)!).RootElement;
            var path = arguments.GetProperty("path").GetString()!;
            var line = arguments.GetProperty("line").GetString()!;
            var happened = File.Exists(path) && File.ReadAllLines(path).Contains(line);
            opened.ResolveApproval(approval.ApprovalId, happened ? ApprovalStatus.Denied : ApprovalStatus.Approved, "chaos-test",
                happened ? "the line is in the file" : "the line is not in the file", DateTimeOffset.UtcNow);
            resolved++;
        }

        return resolved;
    }

    private static bool AllFinished(string store)
    {
        using var opened = SqliteCheckpointStore.Open(store);
        return opened.Tasks().All(t => t.IsTerminal);
    }
}
