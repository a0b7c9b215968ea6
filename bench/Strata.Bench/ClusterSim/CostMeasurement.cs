// Measures the real engine's step costs for the simulator: prefill chunks of 16..256 tokens, decode batches of 1..8.
using System.Diagnostics;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Substrate;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Loads a model with Strata's engine and times its forward passes on random token ids: one prefill step per chunk size
/// (a fresh sequence each time) and one decode step per batch size (each sequence 64 tokens into its context, one token
/// each). Each figure is the fastest of several repetitions after warm-ups: on a shared machine other work only ever
/// slows a step down, so the minimum is the estimate of the step's own cost. A few seconds in all for a small model.
/// </summary>
internal static class CostMeasurement
{
    private static readonly int[] PrefillSizes = [16, 32, 64, 128, 256];
    private const int MaxDecodeBatch = 8;
    private const int DecodeContext = 64;
    private const int Repetitions = 9;
    private const int WarmUps = 3;

    public static CostTable Measure(string modelPath, int threads)
    {
        var options = new EngineOptions(Threads: threads, ContextTokens: 512, BatchTokens: PrefillSizes[^1], Sequences: MaxDecodeBatch);
        using var runtime = ModelRuntime.Load(modelPath, null, options);
        var batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        var random = new Random(1234);
        var tokens = new int[PrefillSizes[^1]];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(runtime.Model.Spec.VocabSize);
        }

        // Warm-up: first runs pay for JIT tiers and page faults, per row count (kernels are chosen per row-count bucket).
        for (int w = 0; w < WarmUps; w++)
        {
            foreach (int size in PrefillSizes)
            {
                PrefillMs(runtime, batch, tokens.AsSpan(0, size));
            }
        }

        var prefill = new CostPoint[PrefillSizes.Length];
        for (int i = 0; i < PrefillSizes.Length; i++)
        {
            prefill[i] = new CostPoint(PrefillSizes[i], PrefillMs(runtime, batch, tokens.AsSpan(0, PrefillSizes[i])));
        }

        var decode = new CostPoint[MaxDecodeBatch];
        for (int b = 1; b <= MaxDecodeBatch; b++)
        {
            decode[b - 1] = new CostPoint(b, DecodeMs(runtime, batch, tokens, b));
        }

        var cpu = CpuInfo.Detect();
        string machine = $"{cpu.ModelName}, {threads} of {cpu.LogicalCores} logical cores";
        return CostTable.FromPoints(Path.GetFileName(modelPath), machine, prefill, decode);
    }

    private static double PrefillMs(ModelRuntime runtime, ForwardBatch batch, ReadOnlySpan<int> prompt)
    {
        var times = new double[Repetitions];
        var sequence = new SequenceKv(runtime.KvBlocks, runtime.ContextTokens);
        for (int r = 0; r < Repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            SequenceForward.Prefill(runtime, batch, sequence, prompt);
            times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            sequence.Release();
        }

        return times.Min();
    }

    // `sequences` sequences, each prefilled to DecodeContext tokens, then decode steps of one token each, all in one batch.
    private static double DecodeMs(ModelRuntime runtime, ForwardBatch batch, int[] tokens, int sequences)
    {
        var kv = new SequenceKv[sequences];
        for (int s = 0; s < sequences; s++)
        {
            kv[s] = new SequenceKv(runtime.KvBlocks, runtime.ContextTokens);
            SequenceForward.Prefill(runtime, batch, kv[s], tokens.AsSpan(s, DecodeContext));
        }

        var times = new double[Repetitions];
        for (int step = -WarmUps; step < Repetitions; step++)
        {
            batch.Clear();
            foreach (var sequence in kv)
            {
                if (!sequence.TryReserve(sequence.Length + 1))
                {
                    throw new InvalidOperationException($"KV pool full at a decode batch of {sequences}");
                }

                batch.Add(tokens[sequence.Length % tokens.Length], sequence.Length, sequence, wantsLogits: true);
            }

            long start = Stopwatch.GetTimestamp();
            runtime.Runner.Run(batch);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            foreach (var sequence in kv)
            {
                sequence.Advance(sequence.Length + 1);
            }

            if (step >= 0)
            {
                times[step] = ms;
            }
        }

        foreach (var sequence in kv)
        {
            sequence.Release();
        }

        return times.Min();
    }
}
