// Public matrix product against weight matrices: y[n, rows] = x[n, cols] · Wᵀ, parallel over weight rows.
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Matrix products against weights: y[n, rows] = x[n, cols] · Wᵀ.</summary>
public static unsafe class MatMul
{
    /// <summary>
    /// Fewest rows for the outer-product tiles (<see cref="FloatOuterTile512"/>). Below it the 4 × 4 dot tiles over weights
    /// dequantized a chunk at a time are faster: engine passes of 16 rows took 44 ms against 62 (SmolLM-135M Q8_0) and
    /// 280 against 440 (TinyLlama Q8_0), 64-row prefill 100 against 109 and 801 against 851; at 128 rows the two are even
    /// (1548 against 1458 ms on TinyLlama, 182 against 189 on SmolLM Q4_K_M), at 256 the outer product is 12–20 % faster.
    /// </summary>
    internal const int OuterRows = 128;

    /// <summary>
    /// Fewest rows for the outer-product tiles over F16 weights at least <see cref="OuterColsF16"/> wide, whose chunks
    /// convert with one instruction per 16 halves (<see cref="HalfTranspose512"/>) rather than dequantize. Against the
    /// 4-row dot tiles, TinyLlama's F16 [5632, 2048], [2048, 5632] and [2048, 2048] on 2 threads took 6.1 / 6.2 / 2.05 ms
    /// against 6.6 / 6.7 / 2.2 at 48 rows, 7.8 / 7.8 / 2.66 against 8.4 / 8.2 / 2.84 at 64 and 11.0 / 11.1 / 3.86 against
    /// 11.8 / 12.3 / 4.15 at 96 (on 1 thread even at 48, 3–8 % faster from 64); at 32 rows the two are even.
    /// </summary>
    internal const int OuterRowsF16 = 48;

    /// <summary>
    /// Narrowest F16 matrix that takes the tiles from <see cref="OuterRowsF16"/> rows. SmolLM's 576-wide matrices are each
    /// a little faster through the tiles alone, but their Q/K/V and gate/up then no longer share one pool run: SmolLM F16
    /// pp64 read about 648 tok/s against 670 (steady runs of three of four alternating pairs).
    /// </summary>
    internal const int OuterColsF16 = 1024;

    /// <summary>Fewest rows for the outer-product tiles over a matrix of <paramref name="type"/> <paramref name="cols"/> wide.</summary>
    internal static int OuterRowsFor(GgmlType type, int cols) => type == GgmlType.F16 && cols >= OuterColsF16 ? OuterRowsF16 : OuterRows;

    /// <summary>n activation rows; n = 1 is matrix-vector. Parallel over the pool.</summary>
    /// <remarks>
    /// With <paramref name="batchInvariant"/> every n, 1 included, takes one arithmetic (<see cref="MatMulJob"/>'s 4-row
    /// tiles of dequantized weights, 16-lane chains per column chunk of at most 768, chunks added in order), so a row's result is
    /// bit-identical whatever rows share its call; without it decode and long prefills take faster kernels whose sums
    /// round differently.
    /// </remarks>
    /// <exception cref="ArgumentException">The type is not computable, cols is not a block multiple, or x/y are too short.</exception>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, bool batchInvariant = false) =>
        Run(pool, in w, x, n, y, MatMulPlan.Exact(w.Type, w.Rows, w.Cols, n, batchInvariant, avx512: true));

    /// <summary>
    /// n activation rows through <paramref name="kernel"/>, the kernel a compiler plan chose for this product and row count
    /// (<see cref="MatMulPlan.Exact"/>): nothing is decided here but whether the kernel can run this call.
    /// </summary>
    /// <remarks>
    /// <see cref="MatMulKernel.F16MatVec512"/> falls back to the row dot for a row with a value of magnitude 32768 or more
    /// (or NaN), which its half rebias cannot hold; the result is the same product.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The kernel is not an exact-product kernel or cannot run this call (row count, type, width or ISA), the type is not
    /// computable, cols is not a block multiple, or x/y are too short.
    /// </exception>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<float> x, int n, Span<float> y, MatMulKernel kernel)
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

        // Throws unless cols is a whole number of blocks (the job computes the row size again).
        _ = GgmlTypeInfo.RowBytes(w.Type, w.Cols);
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

        CheckRuns(kernel, w.Type, w.Rows, w.Cols, n);

        // Prefill with 16-multiple widths: outer-product tiles of 32 weight rows (FloatOuterTile512).
        bool outer = kernel == MatMulKernel.FloatOuterTile;
        int tile = outer ? FloatOuterTile512.Rows : MatMulJob.Tile;

        // About eight parts per thread for load balance, each a multiple of the tile; an outer-product part is one tile,
        // since each tile converts its own weights whatever the part: 576 rows made 9 parts of two tiles, 5 on one thread
        // and 4 on the other, and SmolLM's [576, 576] F16 ran 4–5 % slower than the 4-row tiles' 16 parts.
        int chunk = outer ? tile : pool.ChunkRows(w.Rows, tile);
        int count = (w.Rows + chunk - 1) / chunk;

        fixed (float* px = x)
        fixed (float* py = y)
        {
            float* xin = PrepareRows(kernel, w.Type, w.Cols, px, out float* sums, out var dot512);
            MatMulJob job = MatMulJob.For(in w, n, chunk, xin, py, sums, dot512, kernel == MatMulKernel.DequantTile4) with { Outer = outer };
            pool.Run(in job, count);
        }
    }

    /// <summary>
    /// Matrix-vector products of one f32 activation row against two or three matrices of the same type and width (the
    /// Q/K/V or gate/up projections of a layer) in one pool run, so the small ones do not each pay a dispatch.
    /// </summary>
    /// <remarks>With <paramref name="batchInvariant"/> each matrix takes <c>Run</c>'s batch-invariant arithmetic.</remarks>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunDecode(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false) => RunGroup(pool, weights, x, 1, outputs, batchInvariant);

    /// <summary>
    /// Whether <c>RunGroup</c> takes n rows of <paramref name="type"/> weights <paramref name="cols"/> wide in one pool run:
    /// matrix-vector always; batches that <c>Run</c> gives the 4-row dot tiles (batch-invariant, or fewer than
    /// <see cref="OuterRowsFor"/> rows).
    /// </summary>
    public static bool Groups(GgmlType type, int cols, int n, bool batchInvariant) => n == 1 || batchInvariant || n < OuterRowsFor(type, cols);

    /// <summary>
    /// Products of n f32 activation rows against two or three matrices of the same type and width (the Q/K/V or gate/up
    /// projections of a layer) in one pool run: outputs[i] receives y[n, weights[i].Rows]. The parts of all matrices share the
    /// threads, so the small ones neither pay a dispatch of their own nor leave a thread idle at the end of each run. Each
    /// result is bit-identical to <c>Run</c>'s for the same matrix (the same per-row arithmetic); batches
    /// <see cref="Groups"/> declines go through <c>Run</c> one matrix at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunGroup(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, int n, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false)
    {
        if (!weights.IsEmpty && !Groups(weights[0].Type, weights[0].Cols, n, batchInvariant))
        {
            _ = MatrixGroup.TotalRows(pool, weights, n, outputs, needsData: true);
            for (int i = 0; i < weights.Length; i++)
            {
                Run(pool, in weights[i], x, n, new Span<float>((float*)outputs[i], n * weights[i].Rows), batchInvariant);
            }

            return;
        }

        WeightMatrix head = weights.IsEmpty ? default : weights[0];
        RunGroup(pool, weights, x, n, outputs, MatMulPlan.Exact(head.Type, head.Rows, head.Cols, n, batchInvariant, avx512: true) switch
        {
            // Rows a tile takes: the group joins them in one run of 4-row tiles, as Groups promises.
            MatMulKernel.FloatOuterTile => MatMulKernel.DequantTile4,
            var k => k,
        });
    }

    /// <summary>
    /// <see cref="RunGroup(WorkerPool, ReadOnlySpan{WeightMatrix}, ReadOnlySpan{float}, int, ReadOnlySpan{nint}, bool)"/>
    /// through <paramref name="kernel"/>, the kernel a compiler plan chose for every matrix of the group at this row count.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The kernel cannot run this call or does not join matrices (<see cref="MatMulKernel.FloatOuterTile"/>), the matrices
    /// differ in type or width, or a buffer is too short.
    /// </exception>
    public static void RunGroup(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<float> x, int n, ReadOnlySpan<nint> outputs,
        MatMulKernel kernel)
    {
        int total = MatrixGroup.TotalRows(pool, weights, n, outputs, needsData: true);
        WeightMatrix first = weights[0];

        if (x.Length < (long)n * first.Cols)
        {
            throw new ArgumentException($"x holds {x.Length} floats; [{n}, {first.Cols}] needs {(long)n * first.Cols}.", nameof(x));
        }

        if (!MatMulPlan.Joins(kernel, n))
        {
            throw new ArgumentException($"{kernel} runs one matrix at a time; a group takes the kernels that join matrices.", nameof(kernel));
        }

        foreach (WeightMatrix w in weights)
        {
            CheckRuns(kernel, w.Type, w.Rows, w.Cols, n);
        }

        // Chunks are whole 4-row tiles, so a row is a tile row, or one of its matrix's last Rows mod 4, as in Run.
        int chunk = pool.ChunkRows(total, MatMulJob.Tile);
        fixed (float* px = x)
        {
            float* xin = PrepareRows(kernel, first.Type, first.Cols, px, out float* sums, out var dot512);

            var multi = new GroupJob<MatMulJob>();
            for (int i = 0; i < weights.Length; i++)
            {
                WeightMatrix w = weights[i];
                multi.Set(i, MatMulJob.For(in w, n, chunk, xin, (float*)outputs[i], sums, dot512, kernel == MatMulKernel.DequantTile4),
                    (w.Rows + chunk - 1) / chunk);
            }

            pool.Run(in multi, multi.Count);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="kernel"/> is an exact-product kernel that can run n rows of this matrix here: the
    /// one-row kernels take one row, the AVX-512 ones need the ISA, F16MatVec512 F16 weights, the outer-product tiles two or
    /// more rows, 16-multiple widths and 64 or more weight rows.
    /// </summary>
    private static void CheckRuns(MatMulKernel kernel, GgmlType type, int rows, int cols, int n)
    {
        string? why = kernel switch
        {
            MatMulKernel.DequantTile4 => null,
            MatMulKernel.DequantRowDot => n == 1 ? null : "takes one row",
            MatMulKernel.DequantMatVec512 => n != 1 ? "takes one row" : !KernelIsa.Use512 ? "needs AVX-512"
                : type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 ? "needs quantized weights" : null,
            MatMulKernel.F16MatVec512 => n != 1 ? "takes one row" : !KernelIsa.Use512 || !Avx512BW.IsSupported ? "needs AVX-512 BW"
                : type != GgmlType.F16 ? "needs F16 weights" : null,
            MatMulKernel.F16HalfActivations => n != 1 ? "takes one row" : type != GgmlType.F16 ? "needs F16 weights"
                : !F16HalfMatVec.Applies(cols) ? "needs AVX-512, its assembled kernels and whole groups of 64 columns" : null,
            MatMulKernel.FloatOuterTile => n < 2 ? "takes two or more rows" : !KernelIsa.Use512 ? "needs AVX-512"
                : cols % 16 != 0 || rows < 64 ? "needs a 16-multiple width and 64 or more weight rows" : null,
            _ => "is not an exact-product kernel (f32 activations)",
        };
        if (why != null)
        {
            throw new ArgumentException($"{kernel} {why}; the call has {n} rows against {type} [{rows}, {cols}].", nameof(kernel));
        }
    }

    /// <summary>
    /// What the job reads besides the weights. The one-row AVX-512 kernels: the quantized types' row dot (with the Σx table
    /// of the types with a minimum), or for F16 the half rebias folded into a prepared copy of the row, which is returned in
    /// place of px (the plain row dot when the row does not fit halves). Otherwise px, no sums and no dot (the tiles or
    /// <see cref="DequantDispatch.Dot"/>).
    /// </summary>
    private static float* PrepareRows(MatMulKernel kernel, GgmlType type, int cols, float* px, out float* sums,
        out delegate*<byte*, float*, float*, int, float> dot512)
    {
        sums = null;
        dot512 = null;
        if (kernel == MatMulKernel.DequantMatVec512)
        {
            if (DequantDispatch.NeedsSums(type))
            {
                sums = MatMulJob.SumsScratch(ActivationSums.Length(cols));
                ActivationSums.Compute(px, cols, sums);
            }

            dot512 = DequantDispatch.Dot512Kernel(type);
        }
        else if (kernel == MatMulKernel.F16HalfActivations)
        {
            dot512 = &F16HalfMatVec.Dot;
            return (float*)F16HalfMatVec.Prepare(px, cols);
        }
        else if (kernel == MatMulKernel.F16MatVec512)
        {
            float* prepared = F16MatVec512.Prepare(px, cols);
            if (prepared != null)
            {
                dot512 = &F16MatVec512.Dot;
                return prepared;
            }
        }

        return px;
    }
}
