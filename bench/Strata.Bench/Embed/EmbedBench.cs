// embed-bench: batch × tokens through every encoder in the same run (ONNX Runtime, then Strata's executable), runs
// interleaved, timing each call from input wrapping to last_hidden_state copied out.
using System.Diagnostics;
using Strata.OnnxRuntime;

namespace Strata.Bench.Embed;

/// <summary>Runs embed-bench and prints one column per encoder.</summary>
internal static class EmbedBench
{
    /// <summary>The golden's checksum: the sum of last_hidden_state for its 32 × 64 batch (ONNX Runtime 1.31.1).</summary>
    private const double GoldenSum = -1367.1315;

    /// <summary>Pause before each timed run, so the previous encoder's worker threads have gone to sleep.</summary>

    public static int Run(string[] args)
    {
        EmbedBenchOptions? options = EmbedBenchOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(EmbedBenchOptions.Usage);
            return 2;
        }

        if (!File.Exists(options.ModelPath))
        {
            Console.Error.WriteLine($"model not found: {options.ModelPath} (set --models to the shared models folder)");
            return 2;
        }

        EncoderFeeds feeds = Feeds(options);
        Console.WriteLine($"embed-bench: all-MiniLM-L6-v2 fp32, batch {options.Batch} x {options.Tokens} tokens, {options.Threads} intra-op threads, {options.Warmup} warm-up + {options.Runs} timed runs each, interleaved, {options.PauseMs} ms idle before each");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs ({CpuModel()}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
        ReportGoldenIds(options, feeds.InputIds);

        List<IBenchEncoder> encoders = [.. Encoders(options)];
        try
        {
            var timings = Time(encoders, feeds, options);
            foreach (IBenchEncoder encoder in encoders)
            {
                if (encoder is StrataBenchEncoder strata)
                {
                    ReportProfile(strata, feeds);
                }
            }

            Print(timings, options);
        }
        finally
        {
            foreach (IBenchEncoder encoder in encoders)
            {
                encoder.Dispose();
            }
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>The 1/5/15-minute load from /proc/loadavg: other work on a shared machine skews every column.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

    private static string CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }

        return "unknown model";
    }

    /// <summary>The encoders compared, in column order: ONNX Runtime (the baseline), then Strata's compiled executable.</summary>
    private static IEnumerable<IBenchEncoder> Encoders(EmbedBenchOptions options)
    {
        yield return new OnnxRuntimeBenchEncoder(OnnxRuntimeEncoder.Open(options.ModelPath, options.Threads));
        yield return new StrataBenchEncoder(Strata.Engine.Embeddings.CompiledSentenceEncoder.OpenOnnx(options.ModelPath, options.Threads, foreign: null, allowFallback: false));
    }

    // Where Strata's time goes: one more run with every step timed by family (two clock reads per step).
    private static void ReportProfile(StrataBenchEncoder strata, EncoderFeeds feeds)
    {
        var runner = strata.Encoder.Runner;
        runner.EnableProfiling();
        strata.Encode(feeds, new float[feeds.ElementCount * strata.HiddenSize]);
        double total = runner.Profile!.Values.Sum(t => t.TotalMilliseconds);
        Console.WriteLine($"{strata.Name}: one profiled run, {total:F1} ms in steps: "
            + string.Join(", ", runner.Profile.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value.TotalMilliseconds:F1} ms ({100 * p.Value.TotalMilliseconds / total:F0}%)")));
    }

    private static EncoderFeeds Feeds(EmbedBenchOptions options)
    {
        int count = options.Batch * options.Tokens;
        var attentionMask = new long[count]; // (batch, tokens): every token real, no padding
        attentionMask.AsSpan().Fill(1);
        return new EncoderFeeds(BenchTokenIds.Create(options.Batch, options.Tokens), attentionMask, new long[count], options.Batch, options.Tokens);
    }

    private static void ReportGoldenIds(EmbedBenchOptions options, long[] inputIds)
    {
        if (!File.Exists(options.GoldenPath))
        {
            Console.WriteLine($"input ids: golden {options.GoldenPath} not found, not compared");
            return;
        }

        bool same = BenchTokenIds.MatchesGolden(options.GoldenPath, inputIds, options.Tokens);
        Console.WriteLine($"input ids: {(same ? "identical to" : "differ from")} the golden's batch_input_ids");
    }

    // Runs alternate between the encoders (A, B, A, B, …) with a pause before each (--pause-ms), so drift in a shared machine's
    // speed falls on every column alike and no encoder's idle threads (ONNX Runtime's spin) run into the next one's time.
    private static List<EncoderTiming> Time(List<IBenchEncoder> encoders, EncoderFeeds feeds, EmbedBenchOptions options)
    {
        var outputs = new float[encoders.Count][];
        var milliseconds = new double[encoders.Count][];
        for (int e = 0; e < encoders.Count; e++)
        {
            outputs[e] = new float[feeds.ElementCount * encoders[e].HiddenSize]; // (batch, tokens, hidden)
            milliseconds[e] = new double[options.Runs];
            for (int i = 0; i < options.Warmup; i++)
            {
                encoders[e].Encode(feeds, outputs[e]);
            }
        }

        for (int i = 0; i < options.Runs; i++)
        {
            for (int e = 0; e < encoders.Count; e++)
            {
                Thread.Sleep(options.PauseMs);
                long start = Stopwatch.GetTimestamp();
                encoders[e].Encode(feeds, outputs[e]);
                milliseconds[e][i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        var timings = new List<EncoderTiming>();
        for (int e = 0; e < encoders.Count; e++)
        {
            double sum = 0;
            foreach (float value in outputs[e])
            {
                sum += value;
            }

            timings.Add(new EncoderTiming(encoders[e].Name, milliseconds[e], sum));
        }

        return timings;
    }

    private static void Print(List<EncoderTiming> timings, EmbedBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"",-24} | " + string.Join(" | ", timings.Select(t => $"{t.Name,20}")) + " |");
        Console.WriteLine($"|{new string('-', 26)}|" + string.Join("|", timings.Select(_ => new string('-', 22))) + "|");
        Row("median ms", timings, t => t.MedianMs.ToString("F2"));
        Row("min ms", timings, t => t.Milliseconds.Min().ToString("F2"));
        Row("max ms", timings, t => t.Milliseconds.Max().ToString("F2"));
        Row("sequences/s (median)", timings, t => (options.Batch * 1000.0 / t.MedianMs).ToString("F1"));
        Row("tokens/s (median)", timings, t => (options.Batch * options.Tokens * 1000.0 / t.MedianMs).ToString("F0"));
        Row("speed vs first column", timings, t => (timings[0].MedianMs / t.MedianMs).ToString("F2") + "x");
        Row("sum last_hidden_state", timings, t => t.LastHiddenStateSum.ToString("F4"));
        Row("all ms, sorted", timings, t => string.Join(" ", t.Milliseconds.Order().Select(ms => ms.ToString("F1"))));
        if (options is { Batch: 32, Tokens: 64 })
        {
            Console.WriteLine($"golden sum (ONNX Runtime 1.31.1, same ids): {GoldenSum}");
        }
    }

    private static void Row(string label, List<EncoderTiming> timings, Func<EncoderTiming, string> cell) =>
        Console.WriteLine($"| {label,-24} | " + string.Join(" | ", timings.Select(t => $"{cell(t),20}")) + " |");
}
