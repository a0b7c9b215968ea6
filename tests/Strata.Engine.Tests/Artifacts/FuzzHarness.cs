// Runs a seeded mutation loop on a watchdog thread: each mutant goes to one reused temp file; hangs and stray exceptions fail with the repro.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Strata.Engine.Tests.Artifacts;

/// <summary>Drives <see cref="Mutator"/> over a file and reports the first unexpected outcome with seed, iteration and mutation.</summary>
internal static class FuzzHarness
{
    public static readonly TimeSpan IterationLimit = TimeSpan.FromSeconds(10);

    /// <summary>Folder for mutants: /dev/shm when it exists (no disk traffic), else the temp folder.</summary>
    public static string ScratchFolder => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>
    /// Writes <paramref name="iterations"/> mutants of <paramref name="original"/> to one temp file (named with
    /// <paramref name="fileName"/> so error messages can name it) and calls <paramref name="check"/> on each. Any exception
    /// from check, or an iteration over <see cref="IterationLimit"/>, fails with the repro. Returns the elapsed time.
    /// </summary>
    public static TimeSpan Run(string target, byte[] original, string fileName, int seed, int iterations, Action<string> check)
    {
        string folder = Path.Combine(ScratchFolder, $"strata-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, fileName);
        var progress = new Progress();
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        var total = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            try
            {
                var mutator = new Mutator(original, new Random(seed));
                var watch = new Stopwatch();
                for (int i = 0; i < iterations; i++)
                {
                    int length = mutator.Next();
                    progress.Begin(i, mutator.Description);
                    watch.Restart();
                    using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read))
                    {
                        stream.Write(mutator.Buffer, 0, length);
                    }

                    try
                    {
                        check(path);
                    }
                    catch (Exception e)
                    {
                        throw new FuzzFailureException(
                            $"{target}: seed {seed}, iteration {i}, mutation [{mutator.Description}] (length {length}): {e.GetType().FullName}: {e.Message}", e);
                    }

                    if (watch.Elapsed > IterationLimit)
                    {
                        throw new FuzzFailureException(
                            $"{target}: seed {seed}, iteration {i}, mutation [{mutator.Description}] took {watch.Elapsed.TotalSeconds:F1} s (limit {IterationLimit.TotalSeconds} s)");
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Set();
            }
        })
        {
            IsBackground = true,
            Name = $"fuzz {target}",
        };
        worker.Start();
        while (!done.Wait(TimeSpan.FromSeconds(1)))
        {
            var (iteration, description, started) = progress.Snapshot();
            if (Stopwatch.GetElapsedTime(started) > IterationLimit)
            {
                // The worker is stuck; it is a background thread, so it cannot keep the test host alive.
                Assert.Fail($"{target}: seed {seed}, iteration {iteration}, mutation [{description}] has run over {IterationLimit.TotalSeconds} s: hang");
            }
        }

        Directory.Delete(folder, recursive: true);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return total.Elapsed;
    }

    private sealed class Progress
    {
        private readonly Lock _lock = new();
        private int _iteration = -1;
        private string _description = "(starting)";
        private long _started = Stopwatch.GetTimestamp();

        public void Begin(int iteration, string description)
        {
            lock (_lock)
            {
                _iteration = iteration;
                _description = description;
                _started = Stopwatch.GetTimestamp();
            }
        }

        public (int Iteration, string Description, long Started) Snapshot()
        {
            lock (_lock)
            {
                return (_iteration, _description, _started);
            }
        }
    }
}

/// <summary>A mutant produced an outcome other than success or a documented error.</summary>
internal sealed class FuzzFailureException : Exception
{
    public FuzzFailureException(string message) : base(message)
    {
    }

    public FuzzFailureException(string message, Exception inner) : base(message, inner)
    {
    }

    public FuzzFailureException()
    {
    }
}
