// Decode layer-stack benchmark: the seven matrix-vector products of every layer of a SmolLM-135M or TinyLlama-1.1B shape,
// on distinct random weights, in order, as one decode step runs them (the weights stream from memory, not cache).
using System.Diagnostics;
using System.Runtime.InteropServices;
using Strata.Kernels;

namespace Strata.Bench;

/// <summary>Times the per-layer fast-path products (activation quantization + MatMulInt8) per shape and in total.</summary>
internal static unsafe class LayerBench
{
    public static void Run(string shape, GgmlType type, int threads, int layers, int reps)
    {
        (int Rows, int Cols)[] shapes = shape switch
        {
            "tinyllama" => [(2048, 2048), (256, 2048), (256, 2048), (2048, 2048), (5632, 2048), (5632, 2048), (2048, 5632)],
            _ => [(576, 576), (192, 576), (192, 576), (576, 576), (1536, 576), (1536, 576), (576, 1536)],
        };
        string[] names = ["q", "k", "v", "o", "gate", "up", "down"];
        layers = layers > 0 ? layers : shape == "tinyllama" ? 22 : 30;
        var rng = new Random(1);
        var matrices = new List<WeightMatrix>();
        var memory = new List<nint>();
        long total = 0;
        for (int l = 0; l < layers; l++)
        {
            foreach ((int rows, int cols) in shapes)
            {
                long bytes = rows * GgmlTypeInfo.RowBytes(type, cols);
                byte* p = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
                RandomWeights.Fill(type, p, bytes, rng);
                memory.Add((nint)p);
                matrices.Add(new WeightMatrix(type, (nint)p, rows, cols));
                total += bytes;
            }
        }

        try
        {
            using var pool = new WorkerPool(threads);
            float[] x = new float[8192];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)(rng.NextDouble() - 0.5);
            }

            byte[] xq = new byte[ActivationQuant.RowBytes(type, 8192)];
            float[] y = new float[8192];
            var perShape = new double[shapes.Length];
            for (int rep = -5; rep < reps; rep++)
            {
                for (int m = 0; m < matrices.Count; m++)
                {
                    WeightMatrix w = matrices[m];
                    long t0 = Stopwatch.GetTimestamp();
                    ActivationQuant.QuantizeRows(type, x.AsSpan(0, w.Cols), 1, w.Cols, xq);
                    MatMulInt8.Run(pool, in w, xq, 1, y.AsSpan(0, w.Rows));
                    if (rep >= 0)
                    {
                        perShape[m % shapes.Length] += Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    }
                }
            }

            Console.WriteLine($"isa={KernelIsa.Active} shape={shape} type={type} layers={layers} threads={threads} reps={reps}");
            double sum = 0;
            for (int s = 0; s < shapes.Length; s++)
            {
                double us = perShape[s] / reps / layers;
                sum += us * layers;
                long bytes = shapes[s].Rows * GgmlTypeInfo.RowBytes(type, shapes[s].Cols);
                Console.WriteLine($"{names[s],-5} {shapes[s].Rows,5}×{shapes[s].Cols,-5} {us,8:F2} µs {bytes / us / 1e3,6:F1} GB/s");
            }

            Console.WriteLine($"step  {sum / 1000,8:F3} ms for {total / 1e6:F1} MB = {total / sum / 1e3:F1} GB/s");
        }
        finally
        {
            foreach (nint p in memory)
            {
                NativeMemory.AlignedFree((void*)p);
            }
        }
    }
}
