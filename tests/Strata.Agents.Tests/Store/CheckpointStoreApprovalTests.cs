// Approvals in every store: one per (task, key, kind, identity), resolved once, each resolution on the ledger.
using System.Text.Json;
using Strata.Evidence.Ledger;
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

/// <summary>The approval contract of <see cref="ICheckpointStore"/>, run on each store by a class deriving from it.</summary>
public abstract class CheckpointStoreApprovalTests<TBackend> : IDisposable
    where TBackend : StoreBackend, new()
{
    private static readonly string[] People = ["ana", "bo"];
    private readonly ICheckpointStore _store;

    protected CheckpointStoreApprovalTests()
    {
        _store = Backend.Open();
        _store.Commit(Submit());
    }

    protected TBackend Backend { get; } = new();

    public void Dispose()
    {
        _store.Dispose();
        Backend.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Commit_SameApprovalTwice_KeepsOneRow()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval("apr_retry") with { Reason = "raised again after a restart" }] });

        var approval = Assert.Single(_store.Approvals("task_a"));
        Assert.Equal(Approval(), approval);
    }

    [Fact]
    public void Commit_ApprovalOfAnotherToolIdentity_AddsSecondRow()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval("apr_2", toolIdentity: "tool-identity-2", minute: 1)] });

        Assert.Equal(["apr_1", "apr_2"], _store.Approvals("task_a").Select(approval => approval.ApprovalId));
    }

    [Fact]
    public void Commit_SameIdForAnotherCall_ThrowsStoreException()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });

        var error = Assert.Throws<StoreException>(() => _store.Commit(new Checkpoint("task_a", Start)
        {
            Approvals = [Approval(toolIdentity: "tool-identity-2")],
        }));

        Assert.Contains(Backend.NameOf(_store), error.Message, StringComparison.Ordinal);
        Assert.Single(_store.Approvals());
    }

    [Fact]
    public void ResolveApproval_Pending_ResolvesAndAppendsApprovedRecord()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });
        var at = Start.AddMinutes(9).ToOffset(TimeSpan.FromHours(1)).AddTicks(3);

        var outcome = _store.ResolveApproval("apr_1", ApprovalStatus.Approved, "ana", "checked the order", at);

        Assert.Equal(ApprovalResolution.Resolved, outcome);
        var approval = _store.FindApproval("apr_1")!;
        Assert.Equal(ApprovalStatus.Approved, approval.Status);
        Assert.Equal("ana", approval.ResolvedBy);
        Assert.Equal("checked the order", approval.ResolutionReason);
        AssertSameTime(at, approval.ResolvedAt!.Value);
        var ledger = _store.Ledger("task_a");
        Assert.True(LedgerChain.Verify("task_a", ledger).Intact);
        var record = ledger[^1];
        Assert.Equal("approval.approved", record.Kind);
        AssertSameTime(at, record.At);
        using var payload = JsonDocument.Parse(record.PayloadJson);
        var root = payload.RootElement;
        Assert.Equal("apr_1", root.GetProperty("approval_id").GetString());
        Assert.Equal("ana", root.GetProperty("by").GetString());
        Assert.Equal("checked the order", root.GetProperty("reason").GetString());
        Assert.Equal("approved", root.GetProperty("status").GetString());
        Assert.Equal(0, root.GetProperty("step_index").GetInt32());
        Assert.Equal("refund", root.GetProperty("tool").GetString());
        Assert.Equal(Approval().ArgumentsHash, root.GetProperty("arguments_hash").GetString());
        Assert.Equal("task_a/0", root.GetProperty("idempotency_key").GetString());
    }

    [Fact]
    public void ResolveApproval_Denied_AppendsDeniedRecord()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });

        Assert.Equal(ApprovalResolution.Resolved, _store.ResolveApproval("apr_1", ApprovalStatus.Denied, "bo", "no", Start));

        Assert.Equal(ApprovalStatus.Denied, _store.FindApproval("apr_1")!.Status);
        var record = _store.Ledger("task_a")[^1];
        Assert.Equal("approval.denied", record.Kind);
        Assert.Contains("\"status\":\"denied\"", record.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveApproval_AlreadyResolved_ChangesNothing()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });
        _store.ResolveApproval("apr_1", ApprovalStatus.Approved, "ana", "yes", Start);
        var ledgerCount = _store.Ledger("task_a").Count;

        var outcome = _store.ResolveApproval("apr_1", ApprovalStatus.Denied, "bo", "no", Start.AddMinutes(1));

        Assert.Equal(ApprovalResolution.AlreadyResolved, outcome);
        Assert.Equal("ana", _store.FindApproval("apr_1")!.ResolvedBy);
        Assert.Equal(ledgerCount, _store.Ledger("task_a").Count);
    }

    // Two instances (processes, nodes) resolve each approval at once: one resolves it and records it, the other finds it
    // resolved; the barrier lines them up for every approval.
    [Fact]
    public async Task ResolveApproval_TwoInstancesAtOnce_ExactlyOneResolvesEach()
    {
        const int count = 20;
        var approvals = Enumerable.Range(0, count).Select(index => Approval($"apr_{index}", toolIdentity: $"tool-identity-{index}")).ToList();
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = approvals });
        using var start = new Barrier(2);
        var resolvers = People.Select(person => Task.Factory.StartNew(() =>
        {
            using var store = Backend.Open();
            var outcomes = new List<ApprovalResolution>();
            foreach (var approval in approvals)
            {
                start.SignalAndWait();
                outcomes.Add(store.ResolveApproval(approval.ApprovalId, ApprovalStatus.Approved, person, "fine", Start));
            }

            return outcomes;
        }, TaskCreationOptions.LongRunning)).ToArray();
        var outcomes = await Task.WhenAll(resolvers);

        for (var index = 0; index < count; index++)
        {
            Assert.Equal([ApprovalResolution.Resolved, ApprovalResolution.AlreadyResolved],
                new[] { outcomes[0][index], outcomes[1][index] }.Order());
        }

        var ledger = _store.Ledger("task_a");
        Assert.True(LedgerChain.Verify("task_a", ledger).Intact);
        Assert.Equal(1 + count, ledger.Count);
        Assert.Empty(_store.Approvals(status: ApprovalStatus.Pending));
    }

    [Fact]
    public void ResolveApproval_UnknownId_ReturnsNotFound()
    {
        var ledgerCount = _store.Ledger("task_a").Count;

        Assert.Equal(ApprovalResolution.NotFound, _store.ResolveApproval("apr_missing", ApprovalStatus.Approved, "ana", "yes", Start));
        Assert.Equal(ledgerCount, _store.Ledger("task_a").Count);
    }

    [Fact]
    public void ResolveApproval_ToPending_ThrowsArgumentOutOfRange()
    {
        _store.Commit(new Checkpoint("task_a", Start) { Approvals = [Approval()] });

        Assert.Throws<ArgumentOutOfRangeException>(() => _store.ResolveApproval("apr_1", ApprovalStatus.Pending, "ana", "yes", Start));
        Assert.Equal(ApprovalStatus.Pending, _store.FindApproval("apr_1")!.Status);
    }
}
