// The kernels benchmark: matrix-vector (n = 1) and prefill (n = 32) MatMul per weight type against read bandwidth.
// With --numerics fast it also times MatMulInt8 (activation quantization included) on the same matrices.
using System.Diagnostics;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Bench;

/// <summary>Times MatMul.Run over weight matrices larger than the last-level cache and prints one line per type.</summary>
internal static unsafe class KernelBench
{
    private const long MinWeightBytes = 64L << 20;
    private static readonly GgmlType[] DefaultTypes =
    [
        GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
        GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
    ];

    public static void Run(KernelBenchOptions o)
    {
        int prefillN = o.PrefillN;
        GgmlType[] types = o.Types is null ? DefaultTypes : ParseTypes(o.Types);
        BandwidthResult bw = BandwidthProbe.Measure(o.Threads);
        double readGBps = o.Threads > 1 ? bw.MultiThreadGBps : bw.SingleThreadGBps;
        Console.WriteLine(
            $"isa={KernelIsa.Active} threads={o.Threads} cols={o.Cols} read={readGBps:F1} GB/s (1T {bw.SingleThreadGBps:F1}) reps={o.Reps}"
            + (o.BatchInvariant ? " batch-invariant" : string.Empty));
        bool fast = o.Numerics == "fast";
        Console.WriteLine($"{"type",-6} {"rows",7} {"MiB",7} {"matvec ms",10} {"GB/s",7} {"of bw",6} {$"n={prefillN} ms",9} {"GFLOP/s",8}"
            + (fast ? $" | {"q8 mv ms",9} {"GB/s",7} {"of bw",6} {$"q8 n={prefillN}",8} {"GFLOP/s",8}" : string.Empty));
        using var pool = new WorkerPool(o.Threads);
        var rng = new Random(42);
        foreach (GgmlType type in types)
        {
            long rowBytes = GgmlTypeInfo.RowBytes(type, o.Cols);
            long rows = Math.Max(o.Rows, (MinWeightBytes + rowBytes - 1) / rowBytes);
            rows = (rows + 63) / 64 * 64;
            long bytes = rows * rowBytes;
            using var buffer = new NativeBuffer(bytes);
            RandomWeights.Fill(type, (byte*)buffer.Address, bytes, rng);
            var w = new WeightMatrix(type, buffer.Address, (int)rows, o.Cols);
            float[] x = new float[prefillN * o.Cols];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            float[] y = new float[prefillN * rows];
            double mv = MedianSeconds(pool, w, x, 1, y, o.Reps, q8: null, o.BatchInvariant);
            double pf = MedianSeconds(pool, w, x, prefillN, y, Math.Max(3, o.Reps / 5), q8: null, o.BatchInvariant);
            double gbps = bytes / mv / 1e9;
            double gflops = 2.0 * rows * o.Cols * prefillN / pf / 1e9;
            string line =
                $"{type,-6} {rows,7} {bytes / 1048576.0,7:F1} {mv * 1e3,10:F3} {gbps,7:F1} {gbps / readGBps,6:P0} {pf * 1e3,9:F1} {gflops,8:F1}";
            if (fast && ActivationQuant.FormatFor(type) != GgmlType.F32)
            {
                byte[] xq = new byte[prefillN * ActivationQuant.RowBytes(type, o.Cols)];
                double qmv = MedianSeconds(pool, w, x, 1, y, o.Reps, xq, o.BatchInvariant);
                double qpf = MedianSeconds(pool, w, x, prefillN, y, Math.Max(3, o.Reps / 5), xq, o.BatchInvariant);
                double qgbps = bytes / qmv / 1e9;
                line += $" | {qmv * 1e3,9:F3} {qgbps,7:F1} {qgbps / readGBps,6:P0} {qpf * 1e3,8:F1} {2.0 * rows * o.Cols * prefillN / qpf / 1e9,8:F1}";

                // The same product over the VNNI panels the compiler packs this type into (the default plan), where it does.
                if (MatMulPlan.Packing(type, o.Cols, o.BatchInvariant, vnni: true) == Q8Layout.Vnni
                    && Q8Packed.TryPack(pool, in w, Q8Layout.Vnni) is { } packed)
                {
                    using (packed)
                    {
                        var pw = w with { Packed = packed.Address, PackedLayout = Q8Layout.Vnni };
                        double vmv = MedianSeconds(pool, pw, x, 1, y, o.Reps, xq, o.BatchInvariant);
                        double vpf = MedianSeconds(pool, pw, x, prefillN, y, Math.Max(3, o.Reps / 5), xq, o.BatchInvariant);
                        double vgbps = bytes / vmv / 1e9;
                        line += $" | vnni {vmv * 1e3,9:F3} {vgbps,7:F1} {vgbps / readGBps,6:P0} {vpf * 1e3,8:F1} {2.0 * rows * o.Cols * prefillN / vpf / 1e9,8:F1}";
                    }
                }
            }

            Console.WriteLine(line);
        }
    }

    /// <summary>Median time of MatMul.Run, or with <paramref name="q8"/> of QuantizeRows + MatMulInt8.Run (the fast path).</summary>
    private static double MedianSeconds(WorkerPool pool, in WeightMatrix w, float[] x, int n, float[] y, int reps, byte[]? q8, bool invariant)
    {
        Step(pool, w, x, n, y, q8, invariant); // warm-up (JIT, page residency)
        Step(pool, w, x, n, y, q8, invariant);
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Step(pool, w, x, n, y, q8, invariant);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        Array.Sort(times);
        return times[reps / 2];
    }

    private static void Step(WorkerPool pool, in WeightMatrix w, float[] x, int n, float[] y, byte[]? q8, bool invariant)
    {
        if (q8 is null)
        {
            MatMul.Run(pool, w, x, n, y, invariant);
            return;
        }

        ActivationQuant.QuantizeRows(w.Type, x, n, w.Cols, q8);
        MatMulInt8.Run(pool, w, q8, n, y, invariant);
    }

    private static GgmlType[] ParseTypes(string list)
    {
        string[] names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var types = new GgmlType[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            types[i] = Enum.Parse<GgmlType>(names[i], ignoreCase: true);
        }

        return types;
    }
}
