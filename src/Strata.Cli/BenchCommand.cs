// `strata bench`: prefill and decode tokens/s (median of runs) and decode as a fraction of the measured bandwidth roofline.
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Cli;

/// <summary>Builds the bench command.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var tokenizer = CommonOptions.Tokenizer();
        var threads = CommonOptions.Threads();
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "prefill test length (pp)", DefaultValueFactory = _ => 128 };
        var genTokens = new Option<int>("--gen-tokens") { Description = "decode test length (tg)", DefaultValueFactory = _ => 64 };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "runs per test (median reported)", DefaultValueFactory = _ => 5 };
        var format = CommonOptions.Format();
        var numerics = CommonOptions.Numerics();
        var peer = new Option<string?>("--peer") { Description = "llama-bench binary to run on the same model in the same run, the two taking turns one repetition at a time, for a side-by-side ratio" };
        var mmap = CommonOptions.Mmap();
        var invariant = new Option<bool>("--batch-invariant")
        {
            Description = "run with the batched kernels' arithmetic for every row count, as strata serve does by default",
        };
        var profile = new Option<bool>("--profile")
        {
            Description = "time every step of the decode runs and print where a decoded token's time goes, by op and weight shape",
        };
        var command = new Command("bench", "measure prefill/decode tokens/s and decode against the memory-bandwidth roofline")
        {
            model, tokenizer, threads, promptTokens, genTokens, repetitions, format, peer, numerics, mmap, invariant, profile,
        };
        command.SetAction(parse =>
        {
            var bench = new BenchOptions(parse.GetValue(promptTokens), parse.GetValue(genTokens), parse.GetValue(repetitions),
                Profile: parse.GetValue(profile));
            var engine = new EngineOptions(Threads: parse.GetValue(threads), ContextTokens: bench.PromptTokens + bench.GenerateTokens,
                BatchTokens: Math.Max(1, bench.PromptTokens), Mode: CommonOptions.ToMode(parse.GetValue(numerics)!),
                BatchInvariant: parse.GetValue(invariant), Load: CommonOptions.ToLoad(parse.GetValue(mmap)));
            return Run(parse.GetValue(model)!, parse.GetValue(tokenizer), engine, bench, parse.GetValue(format) == "json", parse.GetValue(peer));
        });
        return command;
    }

    private static int Run(string modelPath, string? tokenizerPath, EngineOptions engine, BenchOptions bench, bool json, string? peerPath)
    {
        if (bench.PromptTokens < 1 || bench.GenerateTokens < 1 || bench.Repetitions < 1)
        {
            throw new ArgumentException(
                $"--prompt-tokens {bench.PromptTokens}, --gen-tokens {bench.GenerateTokens}, --repetitions {bench.Repetitions}: each must be at least 1");
        }

        using var runtime = ModelRuntime.Load(modelPath, tokenizerPath, engine);
        long rssAfterLoad = ResidentBytes();
        long rssAfterRun = 0;
        (BenchResult result, PeerResult? peerResult) = peerPath is null
            ? (ThroughputBenchmark.Run(runtime, bench), null)
            : Interleaved(runtime, bench, peerPath, modelPath, engine.Threads, () => rssAfterRun = ResidentBytes());
        rssAfterRun = peerPath is null ? ResidentBytes() : rssAfterRun;
        // Packed weight copies do not widen the bound: the runner takes the packed matrices' file pages out of the
        // resident set, so the weights are held about once (copied, the whole file is resident from the load on, as the
        // bound allows; a table tied to a packed output head keeps its raw rows too).
        long packedBytes = runtime.Runner.PackedBytes;
        long rssBound = runtime.Model.FileBytes + runtime.KvPool.Bytes + (64L << 20);
        var bandwidth = BandwidthProbe.Measure(engine.Threads);
        double bandwidthBytes = engine.Threads == 1 ? bandwidth.SingleThreadGBps * 1e9 : bandwidth.MultiThreadGBps * 1e9;
        double roofline = bandwidthBytes / result.WeightBytesPerToken;
        double fraction = result.DecodeTokensPerSecond / roofline;
        var compute = ComputeProbe.Measure(engine.Threads);
        double peakMacs = (engine.Threads == 1 ? compute.SingleThreadGmacs : compute.MultiThreadGmacs) * 1e9;
        long macsPerToken = ThroughputBenchmark.MacsPerToken(runtime);
        var prefill = new PrefillRoof(peakMacs / 1e9, macsPerToken, peakMacs / macsPerToken, result.PromptTokensPerSecond / (peakMacs / macsPerToken));

        // Fast numerics on VNNI: the quantized products run on int8 vpdpbusd, so their roof is its peak, not the FMA's.
        double int8Macs = engine.Mode == NumericMode.QuantizedActivations && packedBytes > 0 ? KernelIsa.VnniPeakGmacs(engine.Threads) * 1e9 : 0;
        PrefillRoof? int8 = int8Macs > 0
            ? new PrefillRoof(int8Macs / 1e9, macsPerToken, int8Macs / macsPerToken, result.PromptTokensPerSecond / (int8Macs / macsPerToken))
            : null;
        var file = new FileInfo(modelPath);
        if (json)
        {
            Console.Out.WriteLine(Json(runtime, engine, bench, result, bandwidthBytes / 1e9, roofline, fraction, prefill, int8, peerResult,
                (rssAfterLoad, rssAfterRun, rssBound)));
            return 0;
        }

        Console.Out.WriteLine($"model      {file.Name} ({file.Length / 1048576.0:F1} MiB, {runtime.Model.Spec.Architecture}, {string.Join(" ", runtime.Model.TypeHistogram)})");
        Console.Out.WriteLine($"threads    {engine.Threads} ({KernelIsa.Active}, numerics {engine.Mode}{(engine.BatchInvariant ? ", batch-invariant" : "")})");
        Console.Out.WriteLine($"load       {runtime.LoadMilliseconds:F0} ms, weights {EngineEvidence.LoadText(runtime.Model.Load)}");
        Console.Out.WriteLine($"pp{bench.PromptTokens,-7} {result.PromptTokensPerSecond,10:F1} tok/s  (runs: {Runs(result.PromptRuns)})");
        Console.Out.WriteLine($"tg{bench.GenerateTokens,-7} {result.DecodeTokensPerSecond,10:F1} tok/s  (runs: {Runs(result.DecodeRuns)})");
        Console.Out.WriteLine($"weights    {result.WeightBytesPerToken / 1048576.0:F2} MiB read per decoded token");
        Console.Out.WriteLine($"bandwidth  {bandwidthBytes / 1e9:F1} GB/s measured read → roofline {roofline:F1} tok/s; decode at {fraction:P1} of it");
        Console.Out.WriteLine($"compute    {prefill.Gmacs:F1} GMAC/s measured f32 FMA peak, {prefill.MacsPerToken / 1e6:F1} M MAC per token → prefill roofline {prefill.TokensPerSecond:F1} tok/s; prefill at {prefill.Fraction:P1} of it");
        if (int8 is not null)
        {
            Console.Out.WriteLine($"compute    {int8.Gmacs:F1} GMAC/s measured int8 VNNI peak (the quantized products' roof) → prefill roofline {int8.TokensPerSecond:F1} tok/s; prefill at {int8.Fraction:P1} of it");
        }

        Console.Out.WriteLine($"memory     resident {rssAfterLoad / 1048576.0:F1} MiB after load, {rssAfterRun / 1048576.0:F1} MiB after the runs; "
            + $"bound file + KV + 64 MiB = {rssBound / 1048576.0:F1} MiB ({packedBytes / 1048576.0:F1} MiB of it packed weights)");
        if (result.DecodeProfile is { } lines)
        {
            long tokens = (long)bench.GenerateTokens * bench.Repetitions;
            Console.Out.WriteLine($"profile    decode, per token (every step of {tokens} tokens timed; a joined group is one line):");
            foreach (var line in lines)
            {
                Console.Out.WriteLine($"  {line.Milliseconds / tokens,8:F3} ms {line.Share,6:P1}  {line.Label} ({line.Steps} steps)");
            }
        }

        if (peerResult is not null)
        {
            Console.Out.WriteLine($"peer       llama-bench ({peerResult.BuildCommit}), same model, threads and sizes, one repetition each in turn, medians:");
            Console.Out.WriteLine($"  pp{bench.PromptTokens}: strata {result.PromptTokensPerSecond:F1} vs llama.cpp {peerResult.PromptTokensPerSecond:F1} tok/s = {result.PromptTokensPerSecond / peerResult.PromptTokensPerSecond:F2}x");
            Console.Out.WriteLine($"  tg{bench.GenerateTokens}: strata {result.DecodeTokensPerSecond:F1} vs llama.cpp {peerResult.DecodeTokensPerSecond:F1} tok/s = {result.DecodeTokensPerSecond / peerResult.DecodeTokensPerSecond:F2}x");
        }

        return 0;
    }

    /// <summary>
    /// The two engines one repetition each in turn (strata's pp and tg, then llama-bench's with <c>-r 1</c>), so the host's
    /// drifting bandwidth and clock reach both alike; each side's medians over its repetitions. <paramref name="afterStrata"/>
    /// runs once strata's last repetition is done, before the peer's last run (the resident set is strata's, not that of
    /// the process handling around a child).
    /// </summary>
    private static (BenchResult Strata, PeerResult Peer) Interleaved(ModelRuntime runtime, BenchOptions bench, string peerPath, string modelPath,
        int threads, Action afterStrata)
    {
        int reps = bench.Repetitions;
        double[] peerPp = new double[reps], peerTg = new double[reps];
        string commit = "unknown";
        var strata = ThroughputBenchmark.Run(runtime, bench, r =>
        {
            if (r == reps - 1)
            {
                afterStrata();
            }

            var peer = LlamaBenchPeer.Run(peerPath, modelPath, threads, bench.PromptTokens, bench.GenerateTokens, 1);
            peerPp[r] = peer.PromptTokensPerSecond;
            peerTg[r] = peer.DecodeTokensPerSecond;
            commit = peer.BuildCommit;
        });
        return (strata, new PeerResult(ThroughputBenchmark.Median(peerPp), ThroughputBenchmark.Median(peerTg), commit, peerPp, peerTg));
    }

    // Resident set size (Linux VmRSS), read fresh rather than from a cached Process snapshot.
    private static long ResidentBytes()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private static string Runs(double[] runs)
    {
        var text = new StringBuilder();
        foreach (double r in runs)
        {
            text.Append(text.Length == 0 ? string.Empty : " ").Append(r.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string Json(ModelRuntime runtime, EngineOptions engine, BenchOptions bench, BenchResult result, double gbps, double roofline,
        double fraction, PrefillRoof prefill, PrefillRoof? int8, PeerResult? peer, (long AfterLoad, long AfterRun, long Bound) rss)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", runtime.Model.Path);
            w.WriteNumber("model_bytes", runtime.Model.FileBytes);
            w.WriteNumber("threads", engine.Threads);
            w.WriteString("isa", KernelIsa.Active);
            w.WriteString("numerics", engine.Mode == NumericMode.Exact ? "exact" : "fast");
            w.WriteBoolean("batch_invariant", engine.BatchInvariant);
            w.WriteNumber("prompt_tokens", bench.PromptTokens);
            w.WriteNumber("gen_tokens", bench.GenerateTokens);
            w.WriteNumber("repetitions", bench.Repetitions);
            w.WriteNumber("prompt_tokens_per_s", result.PromptTokensPerSecond);
            w.WriteNumber("decode_tokens_per_s", result.DecodeTokensPerSecond);
            WriteRuns(w, "prompt_runs", result.PromptRuns);
            WriteRuns(w, "decode_runs", result.DecodeRuns);
            w.WriteNumber("weight_bytes_per_token", result.WeightBytesPerToken);
            w.WriteNumber("bandwidth_gbps", gbps);
            w.WriteNumber("decode_roofline_tokens_per_s", roofline);
            w.WriteNumber("decode_roofline_fraction", fraction);
            w.WriteNumber("macs_per_token", prefill.MacsPerToken);
            w.WriteNumber("compute_gmacs", prefill.Gmacs);
            w.WriteNumber("prefill_roofline_tokens_per_s", prefill.TokensPerSecond);
            w.WriteNumber("prefill_roofline_fraction", prefill.Fraction);
            if (int8 is not null)
            {
                w.WriteNumber("int8_vnni_gmacs", int8.Gmacs);
                w.WriteNumber("prefill_int8_roofline_tokens_per_s", int8.TokensPerSecond);
                w.WriteNumber("prefill_int8_roofline_fraction", int8.Fraction);
            }

            w.WriteString("executable_hash", runtime.Executable.ContentHash);
            w.WriteNumber("kv_cache_bytes", runtime.KvPool.Bytes);
            w.WriteNumber("packed_weight_bytes", runtime.Runner.PackedBytes);
            w.WriteNumber("rss_after_load_bytes", rss.AfterLoad);
            w.WriteNumber("rss_after_run_bytes", rss.AfterRun);
            w.WriteNumber("rss_bound_bytes", rss.Bound);
            w.WriteString("load", EngineEvidence.LoadText(runtime.Model.Load));
            w.WriteNumber("load_ms", runtime.LoadMilliseconds);
            if (result.DecodeProfile is { } lines)
            {
                long tokens = (long)bench.GenerateTokens * bench.Repetitions;
                w.WriteStartArray("decode_profile");
                foreach (var line in lines)
                {
                    w.WriteStartObject();
                    w.WriteString("step", line.Label);
                    w.WriteNumber("steps", line.Steps);
                    w.WriteNumber("ms_per_token", line.Milliseconds / tokens);
                    w.WriteNumber("share", line.Share);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (peer is not null)
            {
                w.WriteStartObject("peer");
                w.WriteString("name", "llama-bench");
                w.WriteString("build_commit", peer.BuildCommit);
                w.WriteNumber("prompt_tokens_per_s", peer.PromptTokensPerSecond);
                w.WriteNumber("decode_tokens_per_s", peer.DecodeTokensPerSecond);
                w.WriteNumber("prompt_ratio", result.PromptTokensPerSecond / peer.PromptTokensPerSecond);
                w.WriteNumber("decode_ratio", result.DecodeTokensPerSecond / peer.DecodeTokensPerSecond);
                WriteRuns(w, "prompt_runs", peer.PromptRuns);
                WriteRuns(w, "decode_runs", peer.DecodeRuns);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRuns(Utf8JsonWriter w, string name, double[]? runs)
    {
        if (runs is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (double r in runs)
        {
            w.WriteNumberValue(r);
        }

        w.WriteEndArray();
    }
}

/// <summary>Prefill's compute roof: the measured peak rate over one token's multiply-accumulates, and prefill's share of it.</summary>
internal sealed record PrefillRoof(double Gmacs, long MacsPerToken, double TokensPerSecond, double Fraction);
