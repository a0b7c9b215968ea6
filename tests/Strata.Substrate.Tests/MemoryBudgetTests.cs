// MemoryBudgetTests: reservations fit the limit, release returns bytes, and concurrent callers never overcommit.
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class MemoryBudgetTests
{
    [Fact]
    public void TryReserve_WithinLimit_SucceedsAndCountsBytes()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("weights", 600, out MemoryReservation? r));
        Assert.Equal("weights", r.Owner);
        Assert.Equal(600, r.Bytes);
        Assert.Equal(600, budget.UsedBytes);
        Assert.Equal(400, budget.FreeBytes);
        Assert.Equal(1000, budget.LimitBytes);
    }

    [Fact]
    public void TryReserve_Overcommit_FailsWithoutChangingUsage()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("weights", 600, out _));
        Assert.False(budget.TryReserve("kv-cache", 401, out MemoryReservation? r));
        Assert.Null(r);
        Assert.Equal(600, budget.UsedBytes);
        Assert.True(budget.TryReserve("kv-cache", 400, out _));
        Assert.Equal(0, budget.FreeBytes);
    }

    [Fact]
    public void TryReserve_HugeRequest_FailsWithoutOverflow()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("a", 1, out _));
        Assert.False(budget.TryReserve("b", long.MaxValue, out _));
        Assert.Equal(1, budget.UsedBytes);
    }

    [Fact]
    public void TryReserve_InvalidArguments_Throws()
    {
        var budget = new MemoryBudget(1000);
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.TryReserve("a", -1, out _));
        Assert.Throws<ArgumentException>(() => budget.TryReserve(" ", 1, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBudget(-1));
    }

    [Fact]
    public void Release_Reservation_ReturnsBytesOnce()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("scratch", 700, out MemoryReservation? r));
        Assert.True(budget.Release(r));
        Assert.Equal(0, budget.UsedBytes);
        Assert.False(budget.Release(r));
        r.Dispose();
        Assert.Equal(0, budget.UsedBytes);
        Assert.True(budget.TryReserve("scratch", 1000, out _));
    }

    [Fact]
    public void Dispose_Reservation_ReleasesBytes()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("scratch", 300, out MemoryReservation? r));
        using (r)
        {
            Assert.Equal(300, budget.UsedBytes);
        }

        Assert.Equal(0, budget.UsedBytes);
    }

    [Fact]
    public void Release_ForeignReservation_ThrowsNamingOwner()
    {
        var first = new MemoryBudget(10);
        var second = new MemoryBudget(10);
        Assert.True(first.TryReserve("weights", 5, out MemoryReservation? r));
        ArgumentException error = Assert.Throws<ArgumentException>(() => second.Release(r));
        Assert.Contains("weights", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, first.UsedBytes);
    }

    [Fact]
    public void SnapshotByOwner_SeveralReservations_SumsPerOwner()
    {
        var budget = new MemoryBudget(1000);
        Assert.True(budget.TryReserve("kv-cache", 100, out _));
        Assert.True(budget.TryReserve("kv-cache", 50, out _));
        Assert.True(budget.TryReserve("weights", 200, out _));
        IReadOnlyDictionary<string, long> byOwner = budget.SnapshotByOwner();
        Assert.Equal(150, byOwner["kv-cache"]);
        Assert.Equal(200, byOwner["weights"]);
    }

    [Fact]
    public void TryReserve_ConcurrentCallers_NeverExceedLimit()
    {
        const int Threads = 8;
        const int Attempts = 2000;
        const long Limit = 10_000;
        var budget = new MemoryBudget(Limit);
        int granted = 0;
        long peakObserved = 0;
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Attempts; i++)
            {
                if (budget.TryReserve("worker", 7, out MemoryReservation? r))
                {
                    Interlocked.Increment(ref granted);
                    long used = budget.UsedBytes;
                    long seen;
                    do
                    {
                        seen = Interlocked.Read(ref peakObserved);
                    }
                    while (used > seen && Interlocked.CompareExchange(ref peakObserved, used, seen) != seen);

                    if (i % 2 == 0)
                    {
                        r.Dispose();
                    }
                }
            }
        })).ToArray();

        foreach (Thread w in workers)
        {
            w.Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        Assert.True(peakObserved <= Limit, $"expected peak <= {Limit}, found {peakObserved}");
        Assert.True(granted > 0);
        long held = budget.SnapshotByOwner().GetValueOrDefault("worker");
        Assert.Equal(held, budget.UsedBytes);
        Assert.True(budget.UsedBytes <= Limit);
        Assert.Equal(0, budget.UsedBytes % 7);
        // Odd-numbered attempts keep their bytes, so the budget fills up to within one request of the limit.
        Assert.True(budget.FreeBytes < 7, $"expected free < 7 bytes, found {budget.FreeBytes}");
    }
}
