// One concurrency level: closed-loop workers on a shared request counter, the level cap, and the side probe.
using System.Diagnostics;

namespace Strata.LoadGen;

/// <summary>Everything one level produced.</summary>
internal sealed class LevelResult(int concurrency, int planned, IReadOnlyList<RequestResult> requests, double wallSeconds, IReadOnlyList<ProbeStats> probes)
{
    public int Concurrency { get; } = concurrency;

    /// <summary>Requests the level meant to send (--requests-per-level).</summary>
    public int Planned { get; } = planned;

    /// <summary>Requests actually sent, in index order (fewer than planned when the cap fired first).</summary>
    public IReadOnlyList<RequestResult> Requests { get; } = requests;

    public double WallSeconds { get; } = wallSeconds;

    public IReadOnlyList<ProbeStats> Probes { get; } = probes;
}

/// <summary>Runs levels against the server.</summary>
internal sealed class LevelRunner(StreamingRequest sender, HttpClient probeClient, LoadGenOptions options)
{
    public async Task<LevelResult> RunAsync(int concurrency, CancellationToken abort)
    {
        int planned = options.RequestsFor(concurrency);
        var results = new RequestResult?[planned];
        int next = -1;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var probeStop = new CancellationTokenSource();

        async Task Worker()
        {
            await go.Task.ConfigureAwait(false);
            while (!cap.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= planned)
                {
                    break;
                }

                results[i] = await sender.RunAsync(i, cap.Token).ConfigureAwait(false);
            }
        }

        Task[] workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(Worker, CancellationToken.None);
        }

        Task<IReadOnlyList<ProbeStats>> probe = options.ProbePaths.Count == 0
            ? Task.FromResult<IReadOnlyList<ProbeStats>>([])
            : Task.Run(() => HealthProbe.RunAsync(probeClient, options.Origin, options.ProbePaths, probeStop.Token), CancellationToken.None);

        long start = Stopwatch.GetTimestamp();
        cap.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        go.SetResult();
        await Task.WhenAll(workers).ConfigureAwait(false);
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await probeStop.CancelAsync().ConfigureAwait(false);
        IReadOnlyList<ProbeStats> probes = await probe.ConfigureAwait(false);
        return new LevelResult(concurrency, planned, results.OfType<RequestResult>().ToArray(), wall, probes);
    }
}
