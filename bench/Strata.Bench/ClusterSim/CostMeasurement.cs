// Measures the real engine's step costs for the simulator: prefill chunks of 16..256 tokens, decode batches of 1..8.
using System.Diagnostics;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Substrate;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Loads a model with Strata's engine and times its forward passes on random token ids: one prefill step per chunk size
/// (a fresh sequence each time) and one decode step per batch size (each sequence 64 tokens into its context, one token
/// each). The sizes are interleaved within each repetition, so that a neighbour's burst of work on a shared machine
/// falls on all sizes alike, and each figure is the fastest of its repetitions after warm-ups (other work only ever
/// adds time, so the minimum is the estimate of the step's own cost). A few seconds in all for a small model.
/// </summary>
internal static class CostMeasurement
{
    private static readonly int[] PrefillSizes = [16, 32, 64, 128, 256];
    private const int MaxDecodeBatch = 8;
    private const int DecodeContext = 64;
    private const int Repetitions = 15;
    private const int WarmUps = 3;

    public static CostTable Measure(string modelPath, int threads)
    {
        // Room for every decode batch at once (1 + 2 + … + 8 sequences), each up to 512 positions.
        var options = new EngineOptions(Threads: threads, ContextTokens: 512, BatchTokens: PrefillSizes[^1], Sequences: MaxDecodeBatch,
            KvBlocks: (MaxDecodeBatch * (MaxDecodeBatch + 1) / 2 * 512 / 16) + 64);
        using var runtime = ModelRuntime.Load(modelPath, null, options);
        var batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        var random = new Random(1234);
        var tokens = new int[PrefillSizes[^1]];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(runtime.Model.Spec.VocabSize);
        }

        var prefill = Fastest(PrefillSizes, size => PrefillMs(runtime, batch, tokens.AsSpan(0, size)));
        var batches = new SequenceKv[MaxDecodeBatch + 1][];
        int[] decodeSizes = [.. Enumerable.Range(1, MaxDecodeBatch)];
        foreach (int b in decodeSizes)
        {
            batches[b] = Sequences(runtime, batch, tokens, b);
        }

        var decode = Fastest(decodeSizes, b => DecodeMs(runtime, batch, tokens, batches[b]));
        var cpu = CpuInfo.Detect();
        string machine = $"{cpu.ModelName}, {threads} of {cpu.LogicalCores} logical cores";
        return CostTable.FromPoints(Path.GetFileName(modelPath), machine, prefill, decode);
    }

    // Warm-ups (first runs pay for JIT tiers and page faults, per row count: kernels are chosen per row-count bucket),
    // then Repetitions rounds over all sizes; the fastest time of each size.
    private static CostPoint[] Fastest(int[] sizes, Func<int, double> stepMs)
    {
        var best = new double[sizes.Length];
        Array.Fill(best, double.MaxValue);
        for (int round = -WarmUps; round < Repetitions; round++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                double ms = stepMs(sizes[i]);
                best[i] = round >= 0 ? Math.Min(best[i], ms) : best[i];
            }
        }

        return [.. sizes.Select((size, i) => new CostPoint(size, best[i]))];
    }

    private static double PrefillMs(ModelRuntime runtime, ForwardBatch batch, ReadOnlySpan<int> prompt)
    {
        var sequence = new SequenceKv(runtime.KvBlocks, runtime.ContextTokens);
        long start = Stopwatch.GetTimestamp();
        SequenceForward.Prefill(runtime, batch, sequence, prompt);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        sequence.Release();
        return ms;
    }

    // `count` sequences, each prefilled to DecodeContext tokens.
    private static SequenceKv[] Sequences(ModelRuntime runtime, ForwardBatch batch, int[] tokens, int count)
    {
        var kv = new SequenceKv[count];
        for (int s = 0; s < count; s++)
        {
            kv[s] = new SequenceKv(runtime.KvBlocks, runtime.ContextTokens);
            SequenceForward.Prefill(runtime, batch, kv[s], tokens.AsSpan(s, DecodeContext));
        }

        return kv;
    }

    // One decode step: one token for each of the sequences, all in one batch.
    private static double DecodeMs(ModelRuntime runtime, ForwardBatch batch, int[] tokens, SequenceKv[] sequences)
    {
        batch.Clear();
        foreach (var sequence in sequences)
        {
            if (!sequence.TryReserve(sequence.Length + 1))
            {
                throw new InvalidOperationException($"KV pool full at a decode batch of {sequences.Length}");
            }

            batch.Add(tokens[sequence.Length % tokens.Length], sequence.Length, sequence, wantsLogits: true);
        }

        long start = Stopwatch.GetTimestamp();
        runtime.Runner.Run(batch);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        foreach (var sequence in sequences)
        {
            sequence.Advance(sequence.Length + 1);
        }

        return ms;
    }
}
