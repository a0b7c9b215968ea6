// The agent runtime's durability overhead: checkpoint + evidence per step on SQLite, beside a bare SQLite insert of the same bytes.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Strata.Agents;

namespace Strata.Bench;

/// <summary>
/// <c>agents [steps] [tasks]</c>: runs tasks of <c>steps</c> tool calls (a scripted model, a no-op tool) on a real SQLite
/// store in a temp folder and reports, per step, the time of each checkpoint write (step row, blob, hash-chained ledger
/// record, one transaction) and of a whole model-call + tool-call step through the runtime, beside a bare SQLite insert
/// of the same bytes under the same pragmas (WAL, synchronous=NORMAL) measured in the same run.
/// </summary>
internal static class AgentBench
{
    public static void Run(int steps, int tasks)
    {
        var folder = Path.Combine(Path.GetTempPath(), "strata-agent-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var commits = Commits(Path.Combine(folder, "commits.db"), steps * tasks, SqliteSynchronous.Normal);
            var durable = Commits(Path.Combine(folder, "commits-full.db"), steps * tasks, SqliteSynchronous.Full);
            var bare = BareInserts(Path.Combine(folder, "bare.db"), steps * tasks);
            var perStep = Steps(Path.Combine(folder, "tasks.db"), steps, tasks);
            Console.WriteLine($"agent durability overhead, {Environment.ProcessorCount} cores, SQLite WAL synchronous=NORMAL");
            Report("bare SQLite insert (same bytes)", bare);
            Report("checkpoint commit (step + blob + ledger)", commits);
            Report("the same, synchronous=FULL (power-loss safe)", durable);
            Report("whole step (model call + tool call)", perStep);
            Console.WriteLine($"commit / bare insert, median: {Median(commits) / Median(bare):F2}x");
            Console.WriteLine($"bar: checkpoint + evidence per step <= 2 ms median: {(Median(perStep) <= 2.0 ? "met" : "NOT met")} ({Median(perStep):F3} ms)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<double> Commits(string path, int count, SqliteSynchronous synchronous)
    {
        using var store = SqliteCheckpointStore.Open(path, new SqliteStoreOptions { Synchronous = synchronous });
        var now = DateTimeOffset.UtcNow;
        store.Commit(new Checkpoint("task_bench", now) { Task = new StoredTask("task_bench", "bench", "{}", "{}", AgentTaskStatus.Running, null, null, now, now) });
        var times = new List<double>(count);
        for (var index = 0; index < count; index++)
        {
            var blob = System.Text.Encoding.UTF8.GetBytes($"{{\"content\":\"result {index}\",\"is_error\":false}}");
            var step = new StepRecord("task_bench", index, StepKind.Tool, StepStatus.Completed, "noop", $"call_{index}", null,
                $"task_bench/step-{index}", Strata.Evidence.EvidenceHash.Sha256Hex(blob), null, 1, now, "bench");
            var start = Stopwatch.GetTimestamp();
            store.Commit(new Checkpoint("task_bench", now)
            {
                Steps = [step],
                Blobs = [blob],
                Evidence = [new LedgerAppend("tool.completed", $"{{\"step\":{index},\"tool\":\"noop\",\"result\":{{\"sha256\":\"{step.ResultHash}\"}}}}")],
            });
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    private static List<double> BareInserts(string path, int count)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE rows(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);";
            pragma.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows(id, payload) VALUES ($id, $payload)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
        var times = new List<double>(count);
        for (var index = 0; index < count; index++)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes($"{{\"step\":{index},\"tool\":\"noop\",\"result\":\"result {index}\",\"hash\":\"{new string('0', 64)}\"}}");
            var start = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                insert.Transaction = transaction;
                id.Value = index;
                payload.Value = bytes;
                insert.ExecuteNonQuery();
                transaction.Commit();
            }

            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }

    private static List<double> Steps(string path, int steps, int tasks)
    {
        using var store = SqliteCheckpointStore.Open(path);
        var noop = new AgentTool("noop", "does nothing", JsonDocument.Parse("""{"type":"object"}""").RootElement,
            new ToolDeclaration { Effects = ToolEffects.None, Idempotent = true }, (_, _) => ValueTask.FromResult(new ToolResult("ok")));
        var script = new ModelScript { Turns = [new ScriptTurn { ToolCalls = [new ScriptCall("noop", JsonDocument.Parse("{}").RootElement)], Repeat = steps }] };
        var runtime = new AgentRuntime(new AgentRuntimeOptions
        {
            Store = store,
            Policy = Policy.FromJson("""{"version":1,"rules":[{"id":"r","target":"route","decision":"allow"},{"id":"t","target":"tool","tools":["noop"],"decision":"allow"}]}"""),
            Router = new ModelRouter([new ModelRoute("scripted", RouteLocality.InProcess, new ScriptedChatClient(script), "script")]),
            Tools = new ToolCatalog([noop]),
        });
        var perStep = new List<double>(tasks);
        for (var task = 0; task < tasks; task++)
        {
            var id = runtime.Submit(new TaskContract { Tenant = "bench", Actor = "bench", Goal = "noop", Tools = ["noop"], Budgets = new TaskBudgets { MaxSteps = steps * 2 + 2 } });
            var start = Stopwatch.GetTimestamp();
            var result = runtime.RunAsync(id).GetAwaiter().GetResult();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (result.Status != AgentTaskStatus.Completed)
            {
                throw new InvalidOperationException($"bench task ended {result.Status}: {result.StopReason}");
            }

            perStep.Add(elapsed / steps);
        }

        return perStep;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static void Report(string name, List<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        Console.WriteLine($"{name,-44} n={sorted.Length,5}  median {sorted[sorted.Length / 2]:F3} ms  p95 {sorted[(int)(sorted.Length * 0.95)]:F3} ms  max {sorted[^1]:F3} ms");
    }
}
