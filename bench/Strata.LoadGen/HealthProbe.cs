// The side probe: GETs the --probe paths every 50 ms on its own HttpClient while a level runs.
using System.Diagnostics;
using System.Net;

namespace Strata.LoadGen;

/// <summary>Latencies and failures of one probed path over one level.</summary>
internal sealed class ProbeStats(string path)
{
    public string Path { get; } = path;

    public List<double> LatencyMs { get; } = [];

    /// <summary>Failure counts keyed by "HTTP 503", "timeout", "error: ...".</summary>
    public SortedDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public int FailureCount => Failures.Values.Sum();

    public void Fail(string key) => Failures[key] = Failures.GetValueOrDefault(key) + 1;
}

/// <summary>Runs the probe loop until stopped.</summary>
internal static class HealthProbe
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// One untimed GET of every path before the first level: the probe client's own first request (compiling the HTTP
    /// stack in this process, opening the connection) took 58–93 ms against `strata serve` while curl, probing the same
    /// server at the same time, never saw more than 30 ms, so that cost belongs to the load generator, not the server.
    /// Failures here are ignored; the timed probes report them.
    /// </summary>
    public static async Task WarmAsync(HttpClient client, Uri origin, IReadOnlyList<string> paths, CancellationToken cancel)
    {
        foreach (string path in paths)
        {
            try
            {
                using HttpResponseMessage response = await client.GetAsync(new Uri(origin, path), cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                // the timed probes will show it
            }
        }
    }

    /// <summary>
    /// Probes every path in turn, one round every 50 ms, until <paramref name="stop"/> fires. A probe in flight when the
    /// level ends is allowed to finish (bounded by the client's timeout) so that a stalled server still shows up.
    /// </summary>
    public static async Task<IReadOnlyList<ProbeStats>> RunAsync(HttpClient client, Uri origin, IReadOnlyList<string> paths, CancellationToken stop)
    {
        var stats = paths.Select(p => new ProbeStats(p)).ToArray();
        var uris = paths.Select(p => new Uri(origin, p)).ToArray();
        while (!stop.IsCancellationRequested)
        {
            long round = Stopwatch.GetTimestamp();
            for (int i = 0; i < uris.Length && !stop.IsCancellationRequested; i++)
            {
                await ProbeOnceAsync(client, uris[i], stats[i]).ConfigureAwait(false);
            }

            TimeSpan wait = Period - Stopwatch.GetElapsedTime(round);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return stats;
    }

    private static async Task ProbeOnceAsync(HttpClient client, Uri uri, ProbeStats stats)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            stats.LatencyMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                stats.Fail($"HTTP {(int)response.StatusCode}");
            }
        }
        catch (TaskCanceledException)
        {
            stats.LatencyMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            stats.Fail("timeout");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            stats.LatencyMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            stats.Fail("error: " + ex.Message);
        }
    }
}
