// TimedThreads: the timing harness of the probes: dedicated threads released together, best wall time of several passes.
using System.Diagnostics;

namespace Strata.Substrate;

/// <summary>Times work spread over dedicated threads, as <see cref="BandwidthProbe"/>, <see cref="ComputeProbe"/> and <see cref="ChainProbe"/> need.</summary>
internal static class TimedThreads
{
    /// <summary>
    /// Runs <paramref name="repetitions"/> timed passes in which each of <paramref name="threadCount"/> dedicated threads calls
    /// <paramref name="body"/> with its index once, all released together; returns the shortest wall time of a pass, from
    /// the first thread's start to the last one's finish, in seconds.
    /// </summary>
    public static double BestSeconds(int threadCount, int repetitions, string name, Action<int> body)
    {
        var starts = new long[threadCount];
        var finishes = new long[threadCount];
        var workers = new Thread[threadCount];

        // The caller joins the barrier too: once to release each repetition, once to learn it has finished.
        using var barrier = new Barrier(threadCount + 1);
        for (int t = 0; t < threadCount; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                for (int rep = 0; rep < repetitions; rep++)
                {
                    barrier.SignalAndWait();
                    starts[index] = Stopwatch.GetTimestamp();
                    body(index);
                    finishes[index] = Stopwatch.GetTimestamp();
                    barrier.SignalAndWait();
                }
            })
            {
                IsBackground = true,
                Name = $"strata-{name}-{index}",
            };
            workers[t].Start();
        }

        long bestTicks = long.MaxValue;
        for (int rep = 0; rep < repetitions; rep++)
        {
            barrier.SignalAndWait();
            barrier.SignalAndWait();
            long firstStart = long.MaxValue, lastFinish = long.MinValue;
            for (int t = 0; t < threadCount; t++)
            {
                firstStart = Math.Min(firstStart, starts[t]);
                lastFinish = Math.Max(lastFinish, finishes[t]);
            }

            bestTicks = Math.Min(bestTicks, lastFinish - firstStart);
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return Math.Max(bestTicks, 1) / (double)Stopwatch.Frequency;
    }
}
