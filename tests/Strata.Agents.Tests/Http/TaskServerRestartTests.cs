// A server stopped while a task is inside a tool call cancels the run cleanly; the next server over the same store resumes it.
using System.Net;
using Strata.Agents.Tests.Runtime;
using static Strata.Agents.Tests.Http.TaskHttp;

namespace Strata.Agents.Tests.Http;

public sealed class TaskServerRestartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "strata-task-restart-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Stop_TaskInsideAToolCall_RunIsCancelled_NextStartRetriesItWithTheSameKey()
    {
        var tool = new RecordingTool();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tool.Gate = async cancellationToken =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken); // held until the server stops
        };
        var output = Path.Combine(_folder, "workspace", "out.txt");
        string id;
        await using (var first = await TaskServer.StartAsync(_folder, TaskServer.Script("gated_write"), [tool.Tool("gated_write", idempotent: true)]))
        {
            using var alpha = first.Client();
            var created = await ReadAsync(await alpha.PostAsync("/v1/strata/tasks", JsonBody(TaskServer.Contract(output, tool: "gated_write"))), HttpStatusCode.Created);
            id = created.GetProperty("id").GetString()!;
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        // The interrupted call is in doubt, exactly as after a crash.
        using (var store = SqliteCheckpointStore.Open(Path.Combine(_folder, "tasks.db")))
        {
            Assert.Equal(AgentTaskStatus.Running, store.FindTask(id)!.Status);
            Assert.Contains(store.Steps(id), s => s is { Kind: StepKind.Tool, Status: StepStatus.Started });
        }

        tool.Gate = null;
        await using var second = await TaskServer.StartAsync(_folder, TaskServer.Script("gated_write"), [tool.Tool("gated_write", idempotent: true)]);
        using var again = second.Client();
        var done = await UntilStatusAsync(again, id, "completed");
        Assert.Equal("finished", done.GetProperty("answer").GetString());
        Assert.Equal(2, tool.Keys.Count);
        Assert.Equal(tool.Keys[0], tool.Keys[1]);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
