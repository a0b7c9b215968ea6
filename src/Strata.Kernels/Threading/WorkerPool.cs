// Fixed pool of dedicated worker threads that runs struct jobs without allocating; the caller takes part.
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Strata.Kernels;

/// <summary>Fixed pool of worker threads; the calling thread takes part. Run blocks until every part is done.</summary>
/// <remarks>
/// Parts are handed out through an interlocked counter. Between runs the workers spin on a generation counter for up to
/// <see cref="SpinMicroseconds"/> µs and only then block on their own event, so the back-to-back runs of a token step
/// (hundreds per token) never pay a futex wake-up; the caller likewise spins for the last parts before blocking. Idle
/// pools sleep. Run is not reentrant and must be called from one thread at a time.
/// </remarks>
public sealed unsafe class WorkerPool : IDisposable
{
    private const int SpinCount = 200;

    /// <summary>How long an idle worker (or the waiting caller) spins before it blocks.</summary>
    public const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _go;
    private readonly ManualResetEventSlim _done = new(false, SpinCount);

    private void* _job;
    private delegate*<void*, int, int, void> _invoke;
    private int _count;
    private int _next;
    private int _pending;
    private int _busy;
    private int _generation;
    private readonly int[] _sleeping;
    private int _callerSleeping;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>Starts threadCount - 1 workers (the caller is the last).</summary>
    /// <exception cref="ArgumentOutOfRangeException">threadCount is less than 1.</exception>
    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _threads = new Thread[threadCount - 1];
        _go = new ManualResetEventSlim[threadCount - 1];
        _sleeping = new int[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _go[i] = new ManualResetEventSlim(false, SpinCount);
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"Strata worker {i + 1}",
            };
            _threads[i].Start(i);
        }

        // ManualResetEventSlim creates its lock object the first time a Wait has to block, which would be an
        // allocation inside some later token step; block once now (1 ms) so Run never allocates.
        _done.Wait(1);
    }

    /// <summary>Total threads including the caller.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// Rows per part when <paramref name="rows"/> are split into about 8 parts per thread (one part on one thread), a
    /// multiple of <paramref name="multiple"/> and at least one multiple.
    /// </summary>
    public int ChunkRows(int rows, int multiple)
    {
        int parts = ThreadCount == 1 ? 1 : ThreadCount * 8;
        int chunk = (rows + parts - 1) / parts;
        return Math.Max(multiple, (chunk + multiple - 1) / multiple * multiple);
    }

    /// <summary>Runs job.Execute(i, count) for every i, split across threads; allocates nothing.</summary>
    /// <remarks>The first exception thrown by any part is rethrown here after every thread has stopped.</remarks>
    public void Run<TJob>(in TJob job, int count) where TJob : struct, IParallelJob
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0)
        {
            return;
        }

        // The copy lives on this stack frame, which cannot move while the workers read it through a pointer.
        TJob local = job;
        if (_threads.Length == 0 || count == 1)
        {
            for (int i = 0; i < count; i++)
            {
                local.Execute(i, count);
            }

            return;
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("WorkerPool.Run is not reentrant; wait for the running call to finish.");
        }

        try
        {
            _job = Unsafe.AsPointer(ref local);
            _invoke = &Invoke<TJob>;
            _count = count;
            _error = null;
            Volatile.Write(ref _next, 0);
            Volatile.Write(ref _pending, _threads.Length);
            _done.Reset();

            // The increment is a full fence: a worker either sees the new generation or has already published that
            // it sleeps, and then gets its event set.
            Interlocked.Increment(ref _generation);
            for (int i = 0; i < _go.Length; i++)
            {
                if (Volatile.Read(ref _sleeping[i]) != 0)
                {
                    _go[i].Set();
                }
            }

            Work();
            WaitForWorkers();
            _job = null;
            Exception? error = _error;
            _error = null;
            if (error is not null)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _go.Length; i++)
        {
            _go[i].Set();
        }

        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i].Join();
            _go[i].Dispose();
        }

        _done.Dispose();
    }

    private static void Invoke<TJob>(void* job, int index, int count) where TJob : struct, IParallelJob =>
        Unsafe.AsRef<TJob>(job).Execute(index, count);

    private void WaitForWorkers()
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int s = 0; Volatile.Read(ref _pending) != 0; s++)
        {
            if ((s & 63) == 63 && System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                Volatile.Write(ref _callerSleeping, 1);
                Interlocked.MemoryBarrier();

                // Stop only at pending == 0: a worker of the previous run that read _callerSleeping just before that run's
                // caller stopped waiting may Set late, after this run's Reset. Trusting that stale Set returned while this
                // run's workers were still in the job; their late decrement then kept the next run's _pending from
                // reaching 0, and the caller waited forever (a kernel-test run hung in CI that way).
                while (Volatile.Read(ref _pending) != 0)
                {
                    _done.Wait();
                    _done.Reset();
                }

                Volatile.Write(ref _callerSleeping, 0);
                return;
            }

            Thread.SpinWait(1);
        }
    }

    /// <summary>Test hook: runs as each worker thread starts, before it looks at the pool (null outside tests).</summary>
    internal static Action? WorkerStartHook;

    private void WorkerLoop(object? state)
    {
        WorkerStartHook?.Invoke();
        int index = (int)state!;
        ManualResetEventSlim go = _go[index];

        // The generation at construction, not at this thread's start: a thread that the OS starts after the first Run
        // (or after Dispose) must see that run as new. Reading it here took an early run as already seen, and the run
        // then waited forever for this thread's part (kernel tests hung in CI and locally about once in 20 runs).
        int seen = 0;
        while (true)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            int s = 0;
            while (Volatile.Read(ref _generation) == seen)
            {
                if ((++s & 63) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks)
                {
                    // Reset before publishing the flag, so a Set that follows the flag is never lost.
                    go.Reset();
                    Volatile.Write(ref _sleeping[index], 1);
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref _generation) == seen)
                    {
                        go.Wait();
                    }

                    Volatile.Write(ref _sleeping[index], 0);
                    start = System.Diagnostics.Stopwatch.GetTimestamp();
                    s = 0;
                    continue;
                }

                Thread.SpinWait(1);
            }

            seen = Volatile.Read(ref _generation);
            if (_disposed)
            {
                return;
            }

            Work();
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerSleeping) != 0)
            {
                _done.Set();
            }
        }
    }

#pragma warning disable CA1031 // Any exception of a part must reach the caller of Run instead of killing the thread.
    private void Work()
    {
        int count = _count;
        while (true)
        {
            int i = Interlocked.Increment(ref _next) - 1;
            if (i >= count)
            {
                return;
            }

            try
            {
                _invoke(_job, i, count);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
                Volatile.Write(ref _next, count);
            }
        }
    }
#pragma warning restore CA1031
}
