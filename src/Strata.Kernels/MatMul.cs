// Public matrix product against weight matrices: y[n, rows] = x[n, cols] · Wᵀ, parallel over weight rows.
namespace Strata.Kernels;

/// <summary>Matrix products against weights: y[n, rows] = x[n, cols] · Wᵀ.</summary>
public static unsafe class MatMul
{
    /// <summary>n activation rows; n = 1 is matrix-vector. Parallel over the pool.</summary>
    /// <exception cref="ArgumentException">The type is not computable, cols is not a block multiple, or x/y are too short.</exception>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!GgmlTypeInfo.IsComputable(w.Type))
        {
            throw new ArgumentException($"Type {w.Type} is not supported by MatMul.", nameof(w));
        }

        if (w.Rows < 0 || w.Cols < 0)
        {
            throw new ArgumentException($"Weight shape [{w.Rows}, {w.Cols}] is negative.", nameof(w));
        }

        long rowBytes = GgmlTypeInfo.RowBytes(w.Type, w.Cols);
        if (x.Length < (long)n * w.Cols)
        {
            throw new ArgumentException($"x holds {x.Length} floats; [{n}, {w.Cols}] needs {(long)n * w.Cols}.", nameof(x));
        }

        if (y.Length < (long)n * w.Rows)
        {
            throw new ArgumentException($"y holds {y.Length} floats; [{n}, {w.Rows}] needs {(long)n * w.Rows}.", nameof(y));
        }

        if (n == 0 || w.Rows == 0)
        {
            return;
        }

        if (w.Cols == 0)
        {
            y[..(n * w.Rows)].Clear();
            return;
        }

        if (w.Data == 0)
        {
            throw new ArgumentException("Weight data pointer is null.", nameof(w));
        }

        // About eight parts per thread for load balance, each a multiple of the 4-row tile.
        int parts = pool.ThreadCount == 1 ? 1 : pool.ThreadCount * 8;
        int chunk = (w.Rows + parts - 1) / parts;
        chunk = Math.Max(MatMulJob.Tile, (chunk + MatMulJob.Tile - 1) / MatMulJob.Tile * MatMulJob.Tile);
        int count = (w.Rows + chunk - 1) / chunk;

        bool fast = n == 1 && KernelIsa.Use512 && w.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16);
        float* sums = null;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            if (fast && QuantKernels.NeedsSums(w.Type))
            {
                sums = MatMulJob.SumsScratch(ActivationSums.Length(w.Cols));
                ActivationSums.Compute(px, w.Cols, sums);
            }

            MatMulJob job = new()
            {
                W = (byte*)w.Data,
                RowBytes = (nint)rowBytes,
                Type = w.Type,
                Rows = w.Rows,
                Cols = w.Cols,
                N = n,
                ChunkRows = chunk,
                X = px,
                Y = py,
                Sums = sums,
                Dot512 = fast ? QuantKernels.Dot512Kernel(w.Type) : null,
            };
            pool.Run(in job, count);
        }
    }
}
