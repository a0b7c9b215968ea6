// Tests of WorkerPool: coverage of every index, exception propagation, repeated runs and zero allocation.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public unsafe class WorkerPoolTests
{
    private struct CountJob : IParallelJob
    {
        public int* Hits;

        public readonly void Execute(int index, int count) => Interlocked.Increment(ref Hits[index]);
    }

    private struct ThrowingJob : IParallelJob
    {
        public int Bad;

        public readonly void Execute(int index, int count)
        {
            if (index == Bad)
            {
                throw new InvalidOperationException($"part {index} failed");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_ManyRunsInLoop_EveryIndexExactlyOnce(int threads)
    {
        using var pool = new WorkerPool(threads);
        Assert.Equal(threads, pool.ThreadCount);
        var hits = new int[64];
        fixed (int* p = hits)
        {
            var job = new CountJob { Hits = p };
            for (int run = 0; run < 2000; run++)
            {
                pool.Run(job, (run % 64) + 1);
            }
        }

        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(Expected2000(i), hits[i]);
        }
    }

    private static int Expected2000(int i)
    {
        // Run r covers indices [0, r % 64 + 1): index i is hit by every run with r % 64 >= i.
        int c = 0;
        for (int r = 0; r < 2000; r++)
        {
            if (r % 64 >= i)
            {
                c++;
            }
        }

        return c;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_JobThrows_ExceptionReachesCallerAndPoolStaysUsable(int threads)
    {
        using var pool = new WorkerPool(threads);
        for (int bad = 0; bad < 16; bad += 5)
        {
            var job = new ThrowingJob { Bad = bad };
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => pool.Run(job, 16));
            Assert.Contains($"part {bad}", e.Message, StringComparison.Ordinal);
        }

        var hits = new int[8];
        fixed (int* p = hits)
        {
            pool.Run(new CountJob { Hits = p }, 8);
        }

        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Constructor_ZeroThreads_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
}
