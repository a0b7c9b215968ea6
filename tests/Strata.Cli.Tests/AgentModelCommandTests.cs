// `strata agent run --model FILE.gguf --require-tool-calls`: a random-weight model's every reply is a tool call, each decided by policy.
using System.Text.Json;
using Strata.Agents;

namespace Strata.Cli.Tests;

public sealed class AgentModelCommandTests : IDisposable
{
    private static readonly string[] FilesRead = ["files.read"];
    private static readonly string[] ReadFileOnly = ["read_file"];
    private readonly AgentWorkspace _workspace = new();

    [Fact]
    public void Run_RequireToolCallsWithTinyModel_EveryReplyIsAToolCallDecidedBeforeItRuns()
    {
        File.WriteAllText(Path.Combine(_workspace.Folder, "notes.txt"), "Q4 notes\n");
        var task = _workspace.WriteJson("read.json", new
        {
            tenant = "acme",
            actor = "ana@acme.example",
            goal = "Read the notes file.",
            scopes = FilesRead,
            classification = "internal",
            budgets = new { max_steps = 2 },
            tools = ReadFileOnly,
            inputs = new { notes = Path.Combine(_workspace.Folder, "notes.txt") },
        });

        var run = _workspace.Agent("run", task, "--policy", _workspace.GovernedPolicy(),
            "--model", StrataProcess.Shared("llama-2-tiny-random.gguf"), "--require-tool-calls");

        // Random weights rarely finish the goal: completed (final_answer) or failed (budget) are both outcomes, bad input is not.
        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.StdErr}{run.StdOut}");
        var taskId = AgentWorkspace.Lines(run.StdOut)[0];
        var ledger = Ledger(taskId);
        var replies = ledger.Where(r => r.Kind == "model.completed").ToList();
        Assert.NotEmpty(replies);
        var decided = new HashSet<int>();
        foreach (var (kind, payload) in ledger)
        {
            if (kind is "tool.started" or "tool.denied" or "approval.requested")
            {
                decided.Add(payload.GetProperty("step").GetInt32());
            }

            if (kind == "tool.started")
            {
                // Only the policy's read rule lets a call run; the model's invented paths fall to default-deny.
                Assert.Equal("read-demo-folder", payload.GetProperty("decision").GetProperty("rule").GetString());
            }
        }

        var stopped = ledger.Any(r => r.Kind == "task.stopping");
        foreach (var (_, reply) in replies)
        {
            var calls = reply.GetProperty("tool_calls").EnumerateArray().ToList();
            Assert.NotEmpty(calls);
            Assert.All(calls, call => Assert.True(decided.Contains(call.GetProperty("step").GetInt32()) || stopped,
                $"the call of step {call.GetProperty("step")} has no decision and the task did not stop"));
        }

        Assert.NotEmpty(decided);
        Assert.Equal(0, _workspace.Agent("evidence", "verify", taskId).ExitCode);
    }

    public void Dispose() => _workspace.Dispose();

    private List<(string Kind, JsonElement Payload)> Ledger(string taskId)
    {
        using var store = SqliteCheckpointStore.Open(_workspace.Store);
        return [.. store.Ledger(taskId).Select(entry => (entry.Kind, JsonSerializer.Deserialize<JsonElement>(entry.PayloadJson)))];
    }
}
