// Measures prefill and decode throughput of a loaded model the way llama-bench does (pp N, tg N, median of runs).
using System.Diagnostics;
using Strata.Engine.KvCache;

namespace Strata.Engine.Runtime;

/// <summary>Bench settings.</summary>
/// <param name="PromptTokens">tokens in the prefill test (pp)</param>
/// <param name="GenerateTokens">single-token decode steps in the generation test (tg)</param>
/// <param name="Repetitions">runs of each test; the median is reported</param>
/// <param name="Seed">seed of the random prompt ids</param>
/// <param name="Profile">time every step of the decode runs (<see cref="BenchResult.DecodeProfile"/>)</param>
public sealed record BenchOptions(int PromptTokens = 128, int GenerateTokens = 64, int Repetitions = 5, int Seed = 1234, bool Profile = false);

/// <summary>Bench figures (tokens per second are medians over the repetitions).</summary>
/// <param name="PromptTokensPerSecond">prefill throughput</param>
/// <param name="DecodeTokensPerSecond">decode throughput</param>
/// <param name="PromptRuns">each prefill run's tokens/s</param>
/// <param name="DecodeRuns">each decode run's tokens/s</param>
/// <param name="WeightBytesPerToken">weight bytes one decode step reads</param>
/// <param name="DecodeProfile">the decode runs' time by kind of step, where <see cref="BenchOptions.Profile"/> asked for it</param>
public sealed record BenchResult(
    double PromptTokensPerSecond,
    double DecodeTokensPerSecond,
    double[] PromptRuns,
    double[] DecodeRuns,
    long WeightBytesPerToken,
    IReadOnlyList<StepProfileLine>? DecodeProfile = null);

/// <summary>Runs pp/tg tests on random token ids, like llama-bench (no sampling, no tokenizer).</summary>
public static class ThroughputBenchmark
{
    /// <summary>
    /// Runs the benchmark on <paramref name="runtime"/>; <paramref name="afterRepetition"/>, where given, runs after each
    /// repetition's pp and tg with its index (a peer's run in the same window, <c>strata bench --peer</c>).
    /// </summary>
    public static BenchResult Run(ModelRuntime runtime, BenchOptions options, Action<int>? afterRepetition = null)
    {
        if (options.PromptTokens < 1 || options.GenerateTokens < 1 || options.Repetitions < 1
            || options.PromptTokens + options.GenerateTokens > runtime.ContextTokens)
        {
            throw new ArgumentException(
                $"bench wants {options.PromptTokens} prompt + {options.GenerateTokens} generated tokens × {options.Repetitions} runs; "
                + $"each must be ≥ 1 and the sum ≤ the context {runtime.ContextTokens}", nameof(options));
        }

        var random = new Random(options.Seed);
        var prompt = new int[options.PromptTokens];
        for (int i = 0; i < prompt.Length; i++)
        {
            prompt[i] = random.Next(runtime.Model.Spec.VocabSize);
        }

        var batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        var sequence = new SequenceKv(runtime.KvBlocks, runtime.ContextTokens);
        SequenceForward.Prefill(runtime, batch, sequence, prompt.AsSpan(0, Math.Min(prompt.Length, 8))); // warm-up
        Decode(runtime, batch, sequence, 4, prompt[0]);
        sequence.Release();

        StepProfile? profile = options.Profile ? new StepProfile(runtime.Executable.Steps.Length) : null;
        var pp = new double[options.Repetitions];
        var tg = new double[options.Repetitions];
        for (int r = 0; r < options.Repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            SequenceForward.Prefill(runtime, batch, sequence, prompt);
            pp[r] = prompt.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
            sequence.Release();

            // tg: like llama-bench, decode from an empty context, one token per step.
            runtime.Runner.Profile = profile;
            start = Stopwatch.GetTimestamp();
            Decode(runtime, batch, sequence, options.GenerateTokens, prompt[0]);
            tg[r] = options.GenerateTokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
            runtime.Runner.Profile = null;
            sequence.Release();
            afterRepetition?.Invoke(r);
        }

        return new BenchResult(Median(pp), Median(tg), pp, tg, WeightBytesPerToken(runtime), profile?.Summary(runtime.Executable));
    }

    /// <summary>Bytes of weights one decode step reads: every matrix once, plus one embedding row.</summary>
    public static long WeightBytesPerToken(ModelRuntime runtime)
    {
        long bytes = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in runtime.Executable.Steps)
        {
            if (step.WeightIndex < 0)
            {
                continue;
            }

            var w = runtime.Executable.Weights[step.WeightIndex];
            long rowBytes = Kernels.GgmlTypeInfo.RowBytes(w.Type, w.Cols);
            if (step.Op == Compiler.Ir.OpKind.Embed)
            {
                bytes += rowBytes;
            }
            else if (seen.Add(w.Name))
            {
                bytes += rowBytes * w.Rows;
            }
        }

        return bytes;
    }

    /// <summary>
    /// Multiply-accumulates of one token's matrix products: rows × columns of every matrix once (the output matrix
    /// included, the embedding lookup and attention's context-dependent products not). With the measured peak FMA rate
    /// it gives prefill's compute roofline, as <see cref="WeightBytesPerToken"/> and the bandwidth give decode's.
    /// </summary>
    public static long MacsPerToken(ModelRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        long macs = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in runtime.Executable.Steps)
        {
            if (step.WeightIndex < 0 || step.Op is not (Compiler.Ir.OpKind.MatMul or Compiler.Ir.OpKind.MatMulQuantized))
            {
                continue;
            }

            var w = runtime.Executable.Weights[step.WeightIndex];
            if (seen.Add(w.Name))
            {
                macs += (long)w.Rows * w.Cols;
            }
        }

        return macs;
    }

    private static void Decode(ModelRuntime runtime, ForwardBatch batch, SequenceKv sequence, int steps, int token)
    {
        for (int i = 0; i < steps; i++)
        {
            SequenceForward.Decode(runtime, batch, sequence, token);
            token = Kernels.VectorOps.ArgMax(runtime.Runner.Logits(0));
        }
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
