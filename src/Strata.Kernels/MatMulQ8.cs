// Integer-dot matmul over quantized activations: y[n, rows] = xq[n] · Wᵀ, parallel over weight rows.
namespace Strata.Kernels;

/// <summary>y[n, rows] = dequant(xq)[n, cols] · Wᵀ with integer block dots (the <see cref="NumericMode.QuantizedActivations"/> path).</summary>
public static unsafe class MatMulQ8
{
    /// <summary>xq holds n rows of <see cref="ActivationQuant.RowBytes"/> bytes each. Parallel over the pool.</summary>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<byte> xq, int n, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        long xRowBytes = ActivationQuant.RowBytes(w.Type, w.Cols);
        if (xq.Length < n * xRowBytes || y.Length < (long)n * w.Rows)
        {
            throw new ArgumentException($"xq holds {xq.Length} bytes and y {y.Length} floats; [{n}, {w.Cols}] · [{w.Rows}, {w.Cols}]ᵀ needs {n * xRowBytes} and {n * w.Rows}");
        }

        if (n == 0 || w.Rows == 0)
        {
            return;
        }

        int parts = pool.ThreadCount == 1 ? 1 : pool.ThreadCount * 8;
        int chunk = (w.Rows + parts - 1) / parts;
        chunk = Math.Max(MatMulQ8Job.Tile, (chunk + MatMulQ8Job.Tile - 1) / MatMulQ8Job.Tile * MatMulQ8Job.Tile);
        fixed (byte* px = xq)
        fixed (float* py = y)
        {
            var job = new MatMulQ8Job
            {
                W = (byte*)w.Data,
                RowBytes = (nint)GgmlTypeInfo.RowBytes(w.Type, w.Cols),
                Type = w.Type,
                Rows = w.Rows,
                Cols = w.Cols,
                N = n,
                ChunkRows = chunk,
                X = px,
                XRowBytes = (nint)xRowBytes,
                Y = py,
                Dot = IntDotKernels.Kernel(w.Type),
            };
            pool.Run(in job, (w.Rows + chunk - 1) / chunk);
        }
    }
}
