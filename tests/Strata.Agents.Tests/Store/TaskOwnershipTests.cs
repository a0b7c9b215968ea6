// Task owners in every store: unowned at first, moved only by compare-and-set, kept by commits, one winner per race.
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

/// <summary>The contract of <see cref="ITaskOwnership"/>, run on each store by a class deriving from it.</summary>
public abstract class TaskOwnershipTests<TBackend> : IDisposable
    where TBackend : StoreBackend, new()
{
    private static readonly string[] Nodes = ["node-a", "node-b"];
    private readonly ICheckpointStore _store;

    protected TaskOwnershipTests()
    {
        _store = Backend.Open();
        _store.Commit(Submit("task_a"));
    }

    protected TBackend Backend { get; } = new();

    private ITaskOwnership Owners => (ITaskOwnership)_store;

    public void Dispose()
    {
        _store.Dispose();
        Backend.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Owner_SubmittedTask_IsNull()
    {
        Assert.Null(Owners.Owner("task_a"));
        Assert.Null(Owners.Owner("task_missing"));
        Assert.Empty(Owners.TasksOwnedBy("node-a"));
    }

    [Fact]
    public void TryClaim_Unowned_ClaimsIt()
    {
        Assert.True(Owners.TryClaim("task_a", "node-a", expectedOwner: null));

        Assert.Equal("node-a", Owners.Owner("task_a"));
        Assert.Equal([TaskRow("task_a")], Owners.TasksOwnedBy("node-a"));
    }

    [Fact]
    public void TryClaim_OwnedByAnotherThanExpected_FailsAndKeepsOwner()
    {
        Owners.TryClaim("task_a", "node-a", null);

        Assert.False(Owners.TryClaim("task_a", "node-b", expectedOwner: null));
        Assert.False(Owners.TryClaim("task_a", "node-b", expectedOwner: "node-c"));

        Assert.Equal("node-a", Owners.Owner("task_a"));
        Assert.Empty(Owners.TasksOwnedBy("node-b"));
    }

    [Fact]
    public void TryClaim_FromExpectedOwner_MovesTask()
    {
        Owners.TryClaim("task_a", "node-a", null);

        Assert.True(Owners.TryClaim("task_a", "node-b", expectedOwner: "node-a"));

        Assert.Equal("node-b", Owners.Owner("task_a"));
        Assert.Empty(Owners.TasksOwnedBy("node-a"));
        Assert.Single(Owners.TasksOwnedBy("node-b"));
    }

    [Fact]
    public void TryClaim_AlreadyOwner_ReturnsTrueWhateverWasExpected()
    {
        Owners.TryClaim("task_a", "node-a", null);

        Assert.True(Owners.TryClaim("task_a", "node-a", expectedOwner: null));
        Assert.True(Owners.TryClaim("task_a", "node-a", expectedOwner: "node-z"));
        Assert.Equal("node-a", Owners.Owner("task_a"));
    }

    [Fact]
    public void TryClaim_TaskWithoutRow_ReturnsFalse()
    {
        Assert.False(Owners.TryClaim("task_missing", "node-a", null));
        Assert.Null(Owners.Owner("task_missing"));
    }

    [Fact]
    public void TryClaim_EmptyOwner_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => Owners.TryClaim("task_a", " ", null));
        Assert.ThrowsAny<ArgumentException>(() => Owners.TryClaim("", "node-a", null));
        Assert.Null(Owners.Owner("task_a"));
    }

    [Fact]
    public void Commit_TaskRowReplaced_KeepsOwner()
    {
        Owners.TryClaim("task_a", "node-a", null);

        _store.Commit(new Checkpoint("task_a", Start) { Task = TaskRow("task_a", AgentTaskStatus.Completed) with { Answer = "done" } });

        Assert.Equal("node-a", Owners.Owner("task_a"));
        Assert.Equal("done", Assert.Single(Owners.TasksOwnedBy("node-a")).Answer);
    }

    [Fact]
    public void TasksOwnedBy_SeveralTasks_OldestFirstAndFilteredByStatus()
    {
        _store.Commit(new Checkpoint("task_c", Start) { Task = TaskRow("task_c", AgentTaskStatus.WaitingApproval, minute: 2) });
        _store.Commit(new Checkpoint("task_b", Start) { Task = TaskRow("task_b", minute: 1) });
        _store.Commit(new Checkpoint("task_d", Start) { Task = TaskRow("task_d", minute: 3) });
        foreach (var taskId in new[] { "task_c", "task_b", "task_a" })
        {
            Assert.True(Owners.TryClaim(taskId, "node-a", null));
        }

        Owners.TryClaim("task_d", "node-b", null);

        Assert.Equal(["task_a", "task_b", "task_c"], Owners.TasksOwnedBy("node-a").Select(task => task.TaskId));
        Assert.Equal(["task_a", "task_b"], Owners.TasksOwnedBy("node-a", AgentTaskStatus.Running).Select(task => task.TaskId));
        Assert.Equal(["task_c"], Owners.TasksOwnedBy("node-a", AgentTaskStatus.WaitingApproval).Select(task => task.TaskId));
        Assert.Equal(["task_d"], Owners.TasksOwnedBy("node-b").Select(task => task.TaskId));
    }

    // Two instances (nodes) claim each of many tasks at once from the same owner, as two survivors taking over a dead
    // node's tasks would; the barrier lines them up for every task. Each task must end with exactly one winner.
    [Fact]
    public async Task TryClaim_TwoInstancesRacing_ExactlyOneWinsEachTask()
    {
        const int count = 40;
        var taskIds = Enumerable.Range(0, count).Select(index => $"task_{index:D2}").ToList();
        foreach (var taskId in taskIds)
        {
            _store.Commit(new Checkpoint(taskId, Start) { Task = TaskRow(taskId) });
            Owners.TryClaim(taskId, "node-dead", null);
        }

        using var start = new Barrier(2);
        var claimers = Nodes.Select(node => Task.Factory.StartNew(() =>
        {
            using var store = Backend.Open();
            var won = new List<string>();
            foreach (var taskId in taskIds)
            {
                start.SignalAndWait();
                if (((ITaskOwnership)store).TryClaim(taskId, node, expectedOwner: "node-dead"))
                {
                    won.Add(taskId);
                }
            }

            return won;
        }, TaskCreationOptions.LongRunning)).ToArray();
        var won = await Task.WhenAll(claimers);

        Assert.Empty(won[0].Intersect(won[1]));
        Assert.Equal(taskIds, won[0].Concat(won[1]).Order(StringComparer.Ordinal));
        Assert.Equal(won[0], Owners.TasksOwnedBy("node-a").Select(task => task.TaskId));
        Assert.Equal(won[1], Owners.TasksOwnedBy("node-b").Select(task => task.TaskId));
        Assert.Empty(Owners.TasksOwnedBy("node-dead"));
    }
}
