// OpenTelemetry instruments of the server: latencies, batch sizes, tokens, KV blocks, cache hits, requests by outcome.
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Strata.Serving;

/// <summary>The meter and activity source of the serving layer (names are stable: dashboards depend on them).</summary>
internal sealed class ServingMetrics : IDisposable
{
    public const string MeterName = "Strata.Serving";

    public static readonly ActivitySource Activities = new(MeterName);

    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Meter _meter;

    private static int _instances;

    public ServingMetrics(Func<IEnumerable<Scheduler>> schedulers)
    {
        // OpenTelemetry picks meters by name: a second server in the same process (tests) gets its own name, so no
        // server ever exports another's figures.
        int instance = Interlocked.Increment(ref _instances) - 1;
        Name = instance == 0 ? MeterName : $"{MeterName}.{instance}";
        _meter = new Meter(Name);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        Ttft = _meter.CreateHistogram("strata.ttft", "s", "time from arrival to the first generated token", null, seconds);
        Itl = _meter.CreateHistogram("strata.itl", "s", "time between generated tokens of one request", null, seconds);
        QueueTime = _meter.CreateHistogram("strata.queue_time", "s", "time from arrival to the first forward pass", null, seconds);
        BatchSize = _meter.CreateHistogram("strata.batch_size", "{sequence}", "sequences in one forward pass", null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        GeneratedTokens = _meter.CreateCounter<long>("strata.generated_tokens", "{token}", "tokens generated");
        PromptTokens = _meter.CreateCounter<long>("strata.prompt_tokens", "{token}", "prompt tokens computed (prefix-cache hits excluded)");
        Requests = _meter.CreateCounter<long>("strata.requests", "{request}", "requests ended, by finish reason");
        Rejections = _meter.CreateCounter<long>("strata.rejections", "{request}", "requests refused, by reason");
        RequestDuration = _meter.CreateHistogram("strata.request_duration", "s", "time from arrival to the request's end (finish or refusal)", null, seconds);
        _meter.CreateObservableGauge("strata.kv_blocks_used", () => PerModel(schedulers(), s => s.UsedBlocks), "{block}", "KV blocks held by queued or running sequences");
        _meter.CreateObservableGauge("strata.kv_blocks_cached", () => PerModel(schedulers(), s => s.CachedIdleBlocks), "{block}", "idle KV blocks holding a reusable prefix");
        _meter.CreateObservableGauge("strata.kv_blocks_total", () => PerModel(schedulers(), s => s.TotalBlocks), "{block}", "KV blocks in the pools");
        _meter.CreateObservableGauge("strata.kv_usage", () => PerModel(schedulers(), s => s.TotalBlocks == 0 ? 0.0 : s.UsedBlocks / (double)s.TotalBlocks),
            "1", "KV blocks held by queued or running sequences over the blocks in the pool");
        _meter.CreateObservableGauge("strata.running", () => PerModel(schedulers(), s => s.Running), "{sequence}", "sequences running");
        _meter.CreateObservableGauge("strata.waiting", () => PerModel(schedulers(), s => s.Waiting), "{sequence}", "sequences waiting for a slot");
        _meter.CreateObservableCounter("strata.prefix_cache_lookup_blocks", () => PerModel(schedulers(), s => s.LookupBlocks), "{block}", "prompt blocks looked up in the prefix cache");
        _meter.CreateObservableCounter("strata.prefix_cache_hit_blocks", () => PerModel(schedulers(), s => s.HitBlocks), "{block}", "prompt blocks found in the prefix cache");
        _meter.CreateObservableGauge("strata.prefix_cache_hit_rate", () => PerModel(schedulers(), s => s.LookupBlocks == 0 ? 0.0 : s.HitBlocks / (double)s.LookupBlocks),
            "1", "prompt blocks found over prompt blocks looked up");
    }

    /// <summary>This server's meter name ("Strata.Serving" for the first server of the process).</summary>
    public string Name { get; }

    public Histogram<double> Ttft { get; }

    public Histogram<double> Itl { get; }

    public Histogram<double> QueueTime { get; }

    public Histogram<int> BatchSize { get; }

    public Counter<long> GeneratedTokens { get; }

    public Counter<long> PromptTokens { get; }

    public Counter<long> Requests { get; }

    public Counter<long> Rejections { get; }

    /// <summary>End-to-end request time, by model and stop reason.</summary>
    public Histogram<double> RequestDuration { get; }

    /// <summary>The tag every per-model instrument carries.</summary>
    public static KeyValuePair<string, object?> ModelTag(string model) => new("model", model);

    public void Dispose() => _meter.Dispose();

    // One measurement per served model, tagged with its name.
    private static List<Measurement<T>> PerModel<T>(IEnumerable<Scheduler> all, Func<Scheduler, T> f)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        foreach (var s in all)
        {
            measurements.Add(new Measurement<T>(f(s), ModelTag(s.Name)));
        }

        return measurements;
    }
}
