// Fixed pool of dedicated worker threads that runs struct jobs without allocating; the caller takes part.
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Strata.Kernels;

/// <summary>Fixed pool of worker threads; the calling thread takes part. Run blocks until every part is done.</summary>
/// <remarks>
/// Parts are handed out through an interlocked counter. Workers spin briefly and then block on their own event,
/// so a wake-up is cheap when runs come back to back. Run is not reentrant and must be called from one thread at a time.
/// </remarks>
public sealed unsafe class WorkerPool : IDisposable
{
    private const int SpinCount = 200;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _go;
    private readonly ManualResetEventSlim _done = new(false, SpinCount);

    private void* _job;
    private delegate*<void*, int, int, void> _invoke;
    private int _count;
    private int _next;
    private int _pending;
    private int _busy;
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
            for (int i = 0; i < _go.Length; i++)
            {
                _go[i].Set();
            }

            Work();
            _done.Wait();
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

    private void WorkerLoop(object? state)
    {
        ManualResetEventSlim go = _go[(int)state!];
        while (true)
        {
            go.Wait();
            go.Reset();
            if (_disposed)
            {
                return;
            }

            Work();
            if (Interlocked.Decrement(ref _pending) == 0)
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
