// Every store's ledger: the chain holds over many commits, across instances and concurrent writers, and shows tampering.
using Strata.Evidence.Ledger;
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

/// <summary>The ledger contract of <see cref="ICheckpointStore"/>, run on each store by a class deriving from it.</summary>
public abstract class CheckpointStoreLedgerTests<TBackend> : IDisposable
    where TBackend : StoreBackend, new()
{
    private static readonly string[] Writers = ["left", "right"];

    protected TBackend Backend { get; } = new();

    public void Dispose()
    {
        Backend.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A checkpoint with one ledger record; odd ones carry only that, so the chain is read before any write.</summary>
    private static Checkpoint Record(string taskId, string writer, int index)
    {
        var evidence = new Checkpoint(taskId, Start.AddSeconds(index))
        {
            Evidence = [new LedgerAppend("tool.completed", $"{{\"writer\":\"{writer}\",\"n\":{index}}}")],
        };
        return index % 2 == 1 ? evidence : evidence with
        {
            Steps = [Step(taskId, index % 4)],
            Blobs = [System.Text.Encoding.UTF8.GetBytes(writer + index)],
        };
    }

    [Fact]
    public void Verify_ManyCommits_ChainIsIntact()
    {
        using var store = Backend.Open();
        store.Commit(Submit("task_a"));
        store.Commit(Submit("task_b"));
        for (var index = 0; index < 200; index++)
        {
            store.Commit(Record(index % 2 == 0 ? "task_a" : "task_b", "w", index));
        }

        foreach (var taskId in new[] { "task_a", "task_b" })
        {
            var ledger = store.Ledger(taskId);
            var verdict = LedgerChain.Verify(taskId, ledger);
            Assert.True(verdict.Intact, verdict.Problem);
            Assert.Equal(101, verdict.RecordCount);
        }
    }

    [Fact]
    public void Verify_OnePayloadAlteredPastTheStore_NamesThatRecord()
    {
        using var store = Backend.Open();
        store.Commit(Submit());
        for (var index = 0; index < 6; index++)
        {
            store.Commit(new Checkpoint("task_a", Start) { Evidence = [new LedgerAppend("step", $"{{\"n\":{index}}}")] });
        }

        Backend.RawScalar("UPDATE ledger SET payload = '{\"n\":7}' WHERE task_id = 'task_a' AND seq = 4");

        var verdict = LedgerChain.Verify("task_a", store.Ledger("task_a"));
        Assert.False(verdict.Intact);
        Assert.Equal(4, verdict.FirstBadSequence);
        Assert.Contains("altered", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Ledger_TwoInstancesOnOneStore_ReaderSeesWritersCommits()
    {
        using var writer = Backend.Open();
        using var reader = Backend.Open();
        writer.Commit(Submit());
        Assert.Single(reader.Ledger("task_a"));

        writer.Commit(Record("task_a", "w", 1));
        reader.Commit(Record("task_a", "r", 2));

        Assert.Equal(TaskRow(), reader.FindTask("task_a"));
        Assert.Equal(3, writer.Ledger("task_a").Count);
        Assert.Equal(writer.Ledger("task_a"), reader.Ledger("task_a"));
        Assert.True(LedgerChain.Verify("task_a", reader.Ledger("task_a")).Intact);
    }

    // The barrier makes both writers race for every commit (left alone, SQLite's busy back-off lets one writer run
    // all its commits first). Odd checkpoints read the chain before writing anything, so a transaction that took its
    // write lock late (SQLite's BEGIN DEFERRED, PostgreSQL without the task row's lock) would fork the chain or fail here.
    [Fact]
    public async Task Commit_TwoInstancesWritingFromTwoThreads_LosesNoRecordAndChainHolds()
    {
        const int perWriter = 150;
        using (var setup = Backend.Open())
        {
            setup.Commit(Submit());
        }

        using var start = new Barrier(Writers.Length);
        var writers = Writers.Select(name => Task.Factory.StartNew(() =>
        {
            try
            {
                using var store = Backend.Open();
                for (var index = 0; index < perWriter; index++)
                {
                    start.SignalAndWait();
                    store.Commit(Record("task_a", name, index));
                }
            }
            finally
            {
                start.RemoveParticipant();
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(writers);

        using var check = Backend.Open();
        var ledger = check.Ledger("task_a");
        var verdict = LedgerChain.Verify("task_a", ledger);
        Assert.True(verdict.Intact, verdict.Problem);
        Assert.Equal(1 + (2 * perWriter), ledger.Count);
        Assert.Equal(2 * perWriter, ledger.Select(entry => entry.PayloadJson).Distinct().Count() - 1);
    }

    [Fact]
    public async Task Commit_OneInstanceFromTwoThreads_LosesNoRecordAndChainHolds()
    {
        const int perWriter = 150;
        using var store = Backend.Open();
        store.Commit(Submit());

        using var start = new Barrier(Writers.Length);
        var writers = Writers.Select(name => Task.Factory.StartNew(() =>
        {
            try
            {
                for (var index = 0; index < perWriter; index++)
                {
                    start.SignalAndWait();
                    store.Commit(Record("task_a", name, index));
                    store.Ledger("task_a");
                }
            }
            finally
            {
                start.RemoveParticipant();
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(writers);

        var ledger = store.Ledger("task_a");
        Assert.True(LedgerChain.Verify("task_a", ledger).Intact);
        Assert.Equal(1 + (2 * perWriter), ledger.Count);
    }
}
