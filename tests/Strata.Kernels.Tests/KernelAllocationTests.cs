// WorkerPool with late-starting workers, and zero allocation after warm-up of the pool and the matrix products, measured by AllocationMeter (a no-GC region, this
// collection alone): a raw GetAllocatedBytesForCurrentThread delta once read 7960 bytes in a full parallel run when
// another test's collection retired this thread's allocation context.
using Strata.Engine.Tests;
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

[Collection(nameof(AllocationCollection))]
public unsafe class KernelAllocationTests
{
    [Fact]
    public void WorkerPool_RunAfterWarmUp_AllocatesNothing()
    {
        using var pool = new WorkerPool(2);
        int[] hits = GC.AllocateArray<int>(32, pinned: true);
        var job = new CountJob { Hits = (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref hits[0]) };
        for (int i = 0; i < 100; i++)
        {
            pool.Run(job, 32);
        }

        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                pool.Run(job, 32);
            }
        });
        GC.KeepAlive(hits); // only the job's pointer refers to it inside the measurement, which starts with a collection
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 1)]
    [InlineData(GgmlType.Q4_K, 2)]
    [InlineData(GgmlType.Q4_0, 2)]
    [InlineData(GgmlType.Q6_K, 2)]
    public void MatMul_MatVecAfterWarmUp_AllocatesNothing(GgmlType type, int threads)
    {
        const int rows = 64, cols = 1024;
        var rng = new Random(5);
        byte[] w = GC.AllocateArray<byte>((int)GgmlTypeInfo.RowBytes(type, rows * cols), pinned: true);
        TestData.Row(type, rows * cols, rng).CopyTo(w, 0);
        float[] x = TestData.Floats(rng, cols);
        var y = new float[rows];
        using var pool = new WorkerPool(threads);
        var m = new WeightMatrix(type, (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref w[0]), rows, cols);
        for (int i = 0; i < 20; i++)
        {
            MatMul.Run(pool, m, x, 1, y);
        }

        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                MatMul.Run(pool, m, x, 1, y);
            }
        });
        GC.KeepAlive(w); // only m's address refers to it inside the measurement, which starts with a collection
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 1, 1)]
    [InlineData(GgmlType.Q4_0, 1, 2)]
    [InlineData(GgmlType.Q4_K, 1, 2)]
    [InlineData(GgmlType.Q4_K, 4, 2)]
    [InlineData(GgmlType.Q4_K, 33, 1)]
    [InlineData(GgmlType.Q6_K, 4, 2)]
    [InlineData(GgmlType.Q6_K, 5, 1)]
    [InlineData(GgmlType.Q8_0, 4, 2)]
    [InlineData(GgmlType.Q5_0, 4, 2)]
    [InlineData(GgmlType.Q5_0, 33, 1)]
    public void MatMulQ8_RunAfterWarmUp_AllocatesNothing(GgmlType type, int n, int threads)
    {
        const int rows = 64, cols = 1024;
        var rng = new Random(6);
        byte[] w = GC.AllocateArray<byte>((int)GgmlTypeInfo.RowBytes(type, rows * cols), pinned: true);
        TestData.Row(type, rows * cols, rng).CopyTo(w, 0);
        float[] x = TestData.Floats(rng, n * cols);
        byte[] xq = new byte[n * ActivationQuant.RowBytes(type, cols)];
        var y = new float[n * rows];
        using var pool = new WorkerPool(threads);
        var m = new WeightMatrix(type, (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref w[0]), rows, cols);
        for (int i = 0; i < 20; i++)
        {
            ActivationQuant.QuantizeRows(type, x, n, cols, xq);
            MatMulInt8.Run(pool, m, xq, n, y);
        }

        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                ActivationQuant.QuantizeRows(type, x, n, cols, xq);
                MatMulInt8.Run(pool, m, xq, n, y);
            }
        });
        GC.KeepAlive(w); // only m's address refers to it inside the measurement, which starts with a collection
        Assert.Equal(0, allocated);
    }

    // In this collection because it sets a static hook of WorkerPool: no other test runs meanwhile.
    [Fact]
    public void WorkerPool_WorkerThatStartsAfterTheFirstRun_StillTakesPartInIt()
    {
        // A worker thread can start late on a loaded machine. It used to read the pool's generation when it started, so a
        // run begun before that counted as already seen, and the run waited forever for the worker's part: the kernel
        // tests hung about once in 20 runs, in CI too. The hook delays every worker's start past the first Run.
        WorkerPool.WorkerStartHook = () => Thread.Sleep(100);
        try
        {
            int[] hits = GC.AllocateArray<int>(8, pinned: true);
            var job = new CountJob { Hits = (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref hits[0]) };
            var run = new Thread(() =>
            {
                using var pool = new WorkerPool(3);
                pool.Run(job, 8);
                pool.Run(job, 8);
            })
            { IsBackground = true };
            run.Start();
            Assert.True(run.Join(TimeSpan.FromSeconds(20)), "two runs of a pool whose workers start late did not finish in 20 s");
            Assert.All(hits, h => Assert.Equal(2, h));
            GC.KeepAlive(hits);
        }
        finally
        {
            WorkerPool.WorkerStartHook = null;
        }
    }

    private struct CountJob : IParallelJob
    {
        public int* Hits;

        public readonly void Execute(int index, int count) => Interlocked.Increment(ref Hits[index]);
    }
}
