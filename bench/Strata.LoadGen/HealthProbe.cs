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
