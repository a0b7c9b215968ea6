// Every store returns exactly what it was given: every record type, times to the tick with their offsets, enums by name.
using Strata.Evidence;
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

/// <summary>The round-trip contract of <see cref="ICheckpointStore"/>, run on each store by a class deriving from it.</summary>
public abstract class CheckpointStoreRoundTripTests<TBackend> : IDisposable
    where TBackend : StoreBackend, new()
{
    protected TBackend Backend { get; } = new();

    public void Dispose()
    {
        Backend.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void FindTask_CommittedTask_ReturnsEveryFieldAndExactTimes()
    {
        using var store = Backend.Open();
        var task = TaskRow() with
        {
            Status = AgentTaskStatus.WaitingApproval,
            StopReason = "budget:steps",
            Answer = "refunded — ✓",
            ParentTaskId = "task_parent",
            UpdatedAt = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromHours(-8)).AddTicks(9_999),
        };
        store.Commit(new Checkpoint(task.TaskId, Start) { Task = task });

        var read = store.FindTask(task.TaskId);

        Assert.Equal(task, read);
        AssertSameTime(task.SubmittedAt, read!.SubmittedAt);
        AssertSameTime(task.UpdatedAt, read.UpdatedAt);
        Assert.Null(store.FindTask("task_missing"));
    }

    [Fact]
    public void Commit_TaskStatus_IsStoredByName()
    {
        using (var store = Backend.Open())
        {
            store.Commit(new Checkpoint("task_a", Start) { Task = TaskRow(status: AgentTaskStatus.WaitingApproval) });
            store.Commit(new Checkpoint("task_a", Start) { Steps = [Step(status: StepStatus.AwaitingApproval)], Approvals = [Approval()] });
        }

        Assert.Equal("WaitingApproval", Backend.RawScalar("SELECT status FROM tasks"));
        Assert.Equal("AwaitingApproval", Backend.RawScalar("SELECT status FROM steps"));
        Assert.Equal("Tool", Backend.RawScalar("SELECT kind FROM steps"));
        Assert.Equal("Policy", Backend.RawScalar("SELECT kind FROM approvals"));
        Assert.Equal("Pending", Backend.RawScalar("SELECT status FROM approvals"));
    }

    [Fact]
    public void Steps_UpsertedStep_KeepsLatestStateInIndexOrder()
    {
        using var store = Backend.Open();
        store.Commit(Submit());
        store.Commit(new Checkpoint("task_a", Start) { Steps = [Step(index: 1), Step(index: 0)] });
        var completed = Step(index: 1, status: StepStatus.Completed) with
        {
            ResultHash = EvidenceHash.Sha256Hex("ok"u8),
            Attempts = 2,
            UpdatedAt = Start.AddHours(1).AddTicks(5),
            Detail = null,
            CallId = null,
        };
        store.Commit(new Checkpoint("task_a", Start) { Steps = [completed] });

        var steps = store.Steps("task_a");

        Assert.Equal([Step(index: 0), completed], steps);
        AssertSameTime(completed.UpdatedAt, steps[1].UpdatedAt);
        Assert.Empty(store.Steps("task_missing"));
    }

    [Fact]
    public void FindApproval_CommittedApproval_ReturnsEveryField()
    {
        using var store = Backend.Open();
        store.Commit(Submit());
        var resolved = Approval("apr_2") with
        {
            Kind = ApprovalKind.InDoubt,
            IdempotencyKey = "task_a/1",
            Status = ApprovalStatus.Denied,
            ResolvedBy = "ana",
            ResolutionReason = "not today",
            ResolvedAt = Start.AddDays(1).ToOffset(TimeSpan.FromHours(2)),
        };
        store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval(), resolved] });

        Assert.Equal(Approval(), store.FindApproval("apr_1"));
        var read = store.FindApproval("apr_2");
        Assert.Equal(resolved, read);
        AssertSameTime(resolved.RaisedAt, read!.RaisedAt);
        AssertSameTime(resolved.ResolvedAt!.Value, read.ResolvedAt!.Value);
        Assert.Null(store.FindApproval("apr_missing"));
    }

    [Fact]
    public void Ledger_CommittedRecords_ReturnChainedEntriesWithCheckpointTime()
    {
        using var store = Backend.Open();
        store.Commit(Submit());
        var at = Start.AddMinutes(3).ToOffset(TimeSpan.FromHours(-3)).AddTicks(1);
        store.Commit(new Checkpoint("task_a", at)
        {
            Evidence = [new LedgerAppend("tool.started", "{\"step\":0}"), new LedgerAppend("tool.completed", "{\"step\":0}")],
        });

        var ledger = store.Ledger("task_a");

        Assert.Equal(["task.submitted", "tool.started", "tool.completed"], ledger.Select(entry => entry.Kind));
        Assert.Equal([0L, 1L, 2L], ledger.Select(entry => entry.Sequence));
        Assert.Equal("{\"step\":0}", ledger[2].PayloadJson);
        AssertSameTime(at, ledger[1].At);
        AssertSameTime(at, ledger[2].At);
        Assert.True(Evidence.Ledger.LedgerChain.Verify("task_a", ledger).Intact);
        Assert.Empty(store.Ledger("task_missing"));
    }

    [Fact]
    public void FindBlob_BlobCommittedTwice_IsStoredOnceAndReadByHash()
    {
        byte[] payload = [1, 2, 3, 0, 255];
        using (var store = Backend.Open())
        {
            store.Commit(new Checkpoint("task_a", Start) { Blobs = [payload] });
            store.Commit(new Checkpoint("task_a", Start) { Blobs = [payload, [.. payload]] });

            Assert.Equal(payload, store.FindBlob(EvidenceHash.Sha256Hex(payload)));
            Assert.Null(store.FindBlob(EvidenceHash.Sha256Hex([9])));
        }

        Assert.Equal(1L, Backend.RawScalar("SELECT count(*) FROM blobs"));
    }

    [Fact]
    public void Memories_SeveralTenantsKeysAndTimes_ReturnsThoseAliveOldestFirst()
    {
        using var store = Backend.Open();
        store.Commit(Submit("task_a"));
        store.Commit(Submit("task_b"));
        var early = new MemoryRecord("acme", "q4", "task_b", DataClassification.Internal, "revenue up ✓", Start, Start.AddDays(30));
        var late = early with { TaskId = "task_a", Text = "costs flat", CreatedAt = Start.AddHours(1).ToOffset(TimeSpan.FromHours(-5)) };
        var expired = early with { Key = "q3", ExpiresAt = Start.AddMinutes(5) };
        store.Commit(new Checkpoint("task_a", Start) { Memories = [late] });
        store.Commit(new Checkpoint("task_b", Start) { Memories = [early, expired, early with { Tenant = "other" }] });
        store.Commit(new Checkpoint("task_b", Start) { Memories = [early with { Text = "kept once per tenant, key and task" }] });

        var read = store.Memories("acme", "q4", Start.AddHours(2));

        Assert.Equal([early, late], read);
        AssertSameTime(late.CreatedAt, read[1].CreatedAt);
        Assert.Equal([early], store.Memories("acme", "q4", Start.AddMinutes(30)));
        Assert.Empty(store.Memories("acme", "q4", Start.AddDays(30)));
        Assert.Empty(store.Memories("acme", "q3", Start.AddMinutes(10)));
        Assert.Single(store.Memories("other", "q4", Start.AddMinutes(10)));
    }

    [Fact]
    public void Tasks_SeveralTasks_OldestFirstAndFilteredByStatus()
    {
        using var store = Backend.Open();
        store.Commit(new Checkpoint("task_c", Start) { Task = TaskRow("task_c", AgentTaskStatus.Completed, minute: 2) });
        store.Commit(new Checkpoint("task_b", Start) { Task = TaskRow("task_b", minute: 1) });
        store.Commit(new Checkpoint("task_a2", Start) { Task = TaskRow("task_a2", minute: 1) });
        store.Commit(new Checkpoint("task_z", Start) { Task = TaskRow("task_z", minute: 0) });

        Assert.Equal(["task_z", "task_a2", "task_b", "task_c"], store.Tasks().Select(task => task.TaskId));
        Assert.Equal(["task_z", "task_a2", "task_b"], store.Tasks(AgentTaskStatus.Running).Select(task => task.TaskId));
        Assert.Equal(["task_c"], store.Tasks(AgentTaskStatus.Completed).Select(task => task.TaskId));
        Assert.Empty(store.Tasks(AgentTaskStatus.Cancelled));
    }

    [Fact]
    public void Approvals_SeveralTasks_OldestFirstAndFilteredByTaskAndStatus()
    {
        using var store = Backend.Open();
        store.Commit(Submit("task_a"));
        store.Commit(Submit("task_b"));
        store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval("apr_late", minute: 5)] });
        store.Commit(new Checkpoint("task_b", Start) { Approvals = [Approval("apr_b", "task_b", minute: 1)] });
        store.Commit(new Checkpoint("task_a", Start)
        {
            Approvals = [Approval("apr_early", minute: 0) with { Kind = ApprovalKind.Outcome, Status = ApprovalStatus.Approved }],
        });

        Assert.Equal(["apr_early", "apr_b", "apr_late"], store.Approvals().Select(approval => approval.ApprovalId));
        Assert.Equal(["apr_early", "apr_late"], store.Approvals("task_a").Select(approval => approval.ApprovalId));
        Assert.Equal(["apr_b", "apr_late"], store.Approvals(status: ApprovalStatus.Pending).Select(approval => approval.ApprovalId));
        Assert.Equal(["apr_late"], store.Approvals("task_a", ApprovalStatus.Pending).Select(approval => approval.ApprovalId));
    }

    [Fact]
    public void Commit_RowOfAnotherTask_ThrowsArgumentExceptionAndWritesNothing()
    {
        using var store = Backend.Open();
        store.Commit(Submit());

        var error = Assert.Throws<ArgumentException>(() => store.Commit(new Checkpoint("task_a", Start) { Steps = [Step("task_b")] }));

        Assert.Contains("task_b", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.Steps("task_a"));
    }

    [Fact]
    public void Commit_LedgerOfUnknownTask_ThrowsStoreExceptionAndWritesNothing()
    {
        using var store = Backend.Open();
        byte[] blob = [42];

        var error = Assert.Throws<StoreException>(() => store.Commit(new Checkpoint("task_x", Start)
        {
            Blobs = [blob],
            Evidence = [new LedgerAppend("tool.started", "{}")],
        }));

        Assert.Contains("task_x", error.Message, StringComparison.Ordinal);
        Assert.Contains(Backend.NameOf(store), error.Message, StringComparison.Ordinal);
        Assert.Null(store.FindBlob(EvidenceHash.Sha256Hex(blob)));
    }

    [Fact]
    public void FindTask_AfterDispose_ThrowsObjectDisposedException()
    {
        var store = Backend.Open();
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.FindTask("task_a"));
    }
}
