// Integer-dot matmul over quantized activations: y[n, rows] = xq[n] · Wᵀ, parallel over weight rows.
using System.Buffers;

namespace Strata.Kernels;

/// <summary>y[n, rows] = dequant(xq)[n, cols] · Wᵀ with integer block dots (the <see cref="NumericMode.QuantizedActivations"/> path).</summary>
public static unsafe class MatMulInt8
{
    /// <summary>
    /// xq holds n rows of <see cref="ActivationQuant.RowBytes"/> bytes each. Parallel over the pool. With
    /// <paramref name="batchInvariant"/>, a row's result does not depend on n or on its place among the rows: a row takes
    /// its type's integer tile whatever n (Q8_0's <see cref="Q8Tile512"/>, Q4_0/Q5_0's <see cref="Q4Tile512"/>, the
    /// K-quants' <see cref="IntKTile512"/>), the rows after the last full tile through the tile's one-row instantiation
    /// (<see cref="OneRow"/>: exactly a tile row's lanes);
    /// types without a tile take their row dot for every n.
    /// </summary>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<byte> xq, int n, Span<float> y, bool batchInvariant = false) =>
        Run(pool, in w, xq, n, y, MatMulPlan.Quantized(w.Type, w.Cols, n, batchInvariant, w.Packed != 0 ? w.PackedLayout : null, avx512: true));

    /// <summary>
    /// n rows through <paramref name="kernel"/>, the kernel a compiler plan chose for this product and row count
    /// (<see cref="MatMulPlan.Quantized"/>): nothing is decided here but whether the kernel can run this call.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The kernel is not an 8-bit-activation kernel or cannot run this call (row count, type, width, packing or ISA), or a
    /// buffer is too short.
    /// </exception>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<byte> xq, int n, Span<float> y, MatMulKernel kernel)
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

        MatMulInt8Kernels.CheckRuns(kernel, in w, n);
        if (kernel == MatMulKernel.VnniPanels)
        {
            fixed (float* py = y)
            {
                nint output = (nint)py;
                RunVnni(pool, new ReadOnlySpan<WeightMatrix>(in w), xq, n, new ReadOnlySpan<nint>(in output));
            }

            return;
        }

        fixed (float* py = y)
        {
            nint output = (nint)py;
            RunJobs(pool, new ReadOnlySpan<WeightMatrix>(in w), xq, n, new ReadOnlySpan<nint>(in output), kernel, w.Rows);
        }
    }

    /// <summary>
    /// Matrix-vector products of one quantized activation row against two or three matrices of the same type and width
    /// (the Q/K/V or gate/up projections of a layer): <c>RunGroup</c> with one row.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunDecode(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false) => RunGroup(pool, weights, xq, 1, outputs, batchInvariant);

    /// <summary>
    /// n quantized activation rows against two or three matrices of the same type and width (Q/K/V, gate/up) in one pool
    /// run: outputs[i] receives y[n, weights[i].Rows]. The rows are prepared once for all the matrices (the kernel's
    /// layout) and the parts of all of them share the threads, so the small ones (K and V) no longer each pay a dispatch
    /// and a cold start; each result is bit-identical to <c>Run</c>'s. Kernels that do not join matrices
    /// (<see cref="MatMulPlan.Joins"/>) go through <c>Run</c> one matrix at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunGroup(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, int n, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false)
    {
        WeightMatrix head = weights.IsEmpty ? default : weights[0];
        Q8Layout? packed = AllPacked(weights, Q8Layout.Vnni) ? Q8Layout.Vnni : AllPacked(weights, Q8Layout.Tile) ? Q8Layout.Tile : null;
        MatMulKernel kernel = MatMulPlan.Quantized(head.Type, head.Cols, n, batchInvariant, packed, avx512: true);
        if (!weights.IsEmpty && !MatMulPlan.Joins(kernel, n))
        {
            _ = MatrixGroup.TotalRows(pool, weights, n, outputs, needsData: false);
            for (int i = 0; i < weights.Length; i++)
            {
                Run(pool, in weights[i], xq, n, new Span<float>((float*)outputs[i], n * weights[i].Rows), batchInvariant);
            }

            return;
        }

        RunGroup(pool, weights, xq, n, outputs, kernel);
    }

    /// <summary>
    /// <see cref="RunGroup(WorkerPool, ReadOnlySpan{WeightMatrix}, ReadOnlySpan{byte}, int, ReadOnlySpan{nint}, bool)"/> through
    /// <paramref name="kernel"/>, the kernel a compiler plan chose for every matrix of the group at this row count.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The kernel cannot run this call or does not join matrices (<see cref="MatMulPlan.Joins"/>), the matrices differ in
    /// type or width, or a buffer is too short.
    /// </exception>
    public static void RunGroup(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, int n, ReadOnlySpan<nint> outputs,
        MatMulKernel kernel)
    {
        int total = MatrixGroup.TotalRows(pool, weights, n, outputs, needsData: false);
        WeightMatrix first = weights[0];

        long xRowBytes = ActivationQuant.RowBytes(first.Type, first.Cols);
        if (xq.Length < n * xRowBytes)
        {
            throw new ArgumentException($"xq holds {xq.Length} bytes; [{n}, {first.Cols}] needs {n * xRowBytes}", nameof(xq));
        }

        if (!MatMulPlan.Joins(kernel, n))
        {
            throw new ArgumentException($"{kernel} of {n} rows runs one matrix at a time; a group takes the kernels that join matrices.", nameof(kernel));
        }

        foreach (WeightMatrix w in weights)
        {
            MatMulInt8Kernels.CheckRuns(kernel, in w, n);
        }

        if (kernel == MatMulKernel.VnniPanels)
        {
            RunVnni(pool, weights, xq, n, outputs);
            return;
        }

        RunJobs(pool, weights, xq, n, outputs, kernel, total);
    }

    /// <summary>
    /// n rows against one to three matrices of one type and width through <paramref name="kernel"/> (not VNNI) in one
    /// pool run: the rows prepared once for the kernel, ~8 parts per thread spread over the matrices by rows (whole tiles,
    /// so a weight row takes the same kernel alone or with others). The callers have checked the kernel and the buffers.
    /// </summary>
    private static void RunJobs(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, int n,
        ReadOnlySpan<nint> outputs, MatMulKernel kernel, int total)
    {
        WeightMatrix first = weights[0];
        long xRowBytes = ActivationQuant.RowBytes(first.Type, first.Cols);
        fixed (byte* px = xq)
        {
            var dot = IntDotDispatch.Kernel(first.Type);
            delegate*<byte*, byte*, int, float> dotLast = null;
            byte* x = px;
            byte* xp = null;
            nint xpRowBytes = 0;
            if (kernel == MatMulKernel.Q8Tile)
            {
                // Every row count through the tile arithmetic, decode included, so a row equals itself inside a batch.
                xpRowBytes = Q8Tile512.RowBytes(first.Cols);
                xp = ThreadBuffer.Activations(n * (int)xpRowBytes);
                Q8Tile512.Prepare(px, (nint)xRowBytes, n, first.Cols, xp);
            }
            else if (kernel == MatMulKernel.IntKTile4x4)
            {
                xp = PrepareTailK(first.Type, first.Cols, px, (nint)xRowBytes, n, out xpRowBytes);
            }
            else if (kernel == MatMulKernel.Q4Tile)
            {
                xpRowBytes = Q4Tile512.RowBytes(first.Cols);
                xp = ThreadBuffer.Activations(n * (int)xpRowBytes);
                Q4Tile512.Prepare(px, (nint)xRowBytes, n, first.Cols, xp, first.Type == GgmlType.Q5_0 ? 16 : 8);
            }
            else if (MatMulInt8Kernels.IsMatVec(kernel))
            {
                // One row, prepared for the type's matrix-vector kernel.
                x = PrepareDecode(kernel, first.Cols, px, ref dot, ref dotLast);
            }

            var gemm = kernel == MatMulKernel.IntTile4x4 ? MatMulInt8Kernels.Gemm(first.Type) : null;
            int nbPad = ((first.Cols / 32) + 1) & ~1;
            float[]? scales = gemm == null ? null : ArrayPool<float>.Shared.Rent(n * nbPad);
            fixed (float* pd = scales)
            {
                if (gemm != null)
                {
                    ActivationScales(px, (nint)xRowBytes, n, first.Cols / 32, nbPad, pd);
                }

                int chunk = pool.ChunkRows(total, MatMulInt8Job.Tile);
                var multi = new GroupJob<MatMulInt8Job>();
                for (int i = 0; i < weights.Length; i++)
                {
                    WeightMatrix w = weights[i];
                    multi.Set(i, MatMulInt8Job.For(in w, n, chunk, x, (nint)xRowBytes, (float*)outputs[i], dot, dotLast, xp, xpRowBytes) with
                    {
                        Gemm = gemm,
                        Gemm1 = gemm == null ? null : MatMulInt8Kernels.Gemm1(first.Type),
                        GemmK = kernel == MatMulKernel.IntKTile4x4 ? MatMulInt8Kernels.GemmK(first.Type) : null,
                        GemmK1 = kernel == MatMulKernel.IntKTile4x4 ? MatMulInt8Kernels.GemmK1(first.Type) : null,
                        Dx = pd,
                        NbPad = nbPad,
                    }, (w.Rows + chunk - 1) / chunk);
                }

                pool.Run(in multi, multi.Count);
            }

            if (scales != null)
            {
                ArrayPool<float>.Shared.Return(scales);
            }
        }
    }

    /// <summary>
    /// The rows after the last full K-quant tile (n mod 4 of them) prepared for the type's one-row kernel, row j at
    /// (j mod 4)·xpRowBytes, or null where the type's one-row kernel reads the rows as they are.
    /// </summary>
    private static byte* PrepareTailK(GgmlType type, int cols, byte* xq, nint xRowBytes, int n, out nint xpRowBytes)
    {
        xpRowBytes = Q4KMatVec512.PreparedBytes(cols);
        int tail = n & 3;
        if (tail == 0 || !MatMulInt8Kernels.PreparesTail(type))
        {
            return null;
        }

        byte* xp = ThreadBuffer.Activations(tail * (int)xpRowBytes);
        for (int k = 0; k < tail; k++)
        {
            Q4KMatVec512.Prepare(xq + (((n & ~3) + k) * xRowBytes), cols, xp + (k * xpRowBytes));
        }

        return xp;
    }

    private static bool AllPacked(ReadOnlySpan<WeightMatrix> weights, Q8Layout layout)
    {
        foreach (WeightMatrix w in weights)
        {
            if (w.Packed == 0 || w.PackedLayout != layout)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// n rows against <see cref="Q8Vnni"/>-packed matrices (one to three, one type and width) in one pool run: the
    /// rows are prepared once, the panels of all the matrices share the threads. Every n, decode included, takes the
    /// same micro-kernel arithmetic, so a row's result does not depend on the batch. The callers (Run, RunGroup) have
    /// checked the buffers, the common width and the layout.
    /// </summary>
    private static void RunVnni(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, int n, ReadOnlySpan<nint> outputs)
    {
        WeightMatrix first = weights[0];
        int total = 0;
        foreach (WeightMatrix w in weights)
        {
            total += w.Rows;
        }

        long xRowBytes = ActivationQuant.RowBytes(first.Type, first.Cols);
        fixed (byte* px = xq)
        {
            int rowBytes = VnniPanels.RowBytes(first.Type, first.Cols);
            byte* xp = ThreadBuffer.Activations(n * rowBytes);
            VnniPanels.Prepare(first.Type, px, (nint)xRowBytes, n, first.Cols, xp);
            int chunkPanels = pool.ChunkRows(total, Q8Vnni.PanelRows) / Q8Vnni.PanelRows;
            var multi = new GroupJob<VnniJob>();
            for (int i = 0; i < weights.Length; i++)
            {
                WeightMatrix w = weights[i];
                var job = new VnniJob
                {
                    W = (byte*)w.Packed,
                    Type = w.Type,
                    Rows = w.Rows,
                    Cols = w.Cols,
                    N = n,
                    ChunkPanels = chunkPanels,
                    Xp = xp,
                    Y = (float*)outputs[i],
                };
                multi.Set(i, in job, (Q8Vnni.Panels(w.Rows) + chunkPanels - 1) / chunkPanels);
            }

            pool.Run(in multi, multi.Count);
        }
    }

    /// <summary>Prepares the activation row for the matrix-vector kernel and selects it; returns the row to pass.</summary>
    private static byte* PrepareDecode(MatMulKernel kernel, int cols, byte* px, ref delegate*<byte*, byte*, int, float> dot,
        ref delegate*<byte*, byte*, int, float> dotLast)
    {
        byte* x;
        switch (kernel)
        {
            case MatMulKernel.Q4MatVec512:
                x = ThreadBuffer.Activations(Q4MatVec512.PreparedBytes(cols));
                Q4MatVec512.Prepare(px, cols, x);
                dot = &Q4MatVec512.DotPadded;
                dotLast = &Q4MatVec512.Dot;
                return x;
            case MatMulKernel.Q5MatVec512:
                x = ThreadBuffer.Activations(Q4MatVec512.PreparedBytes(cols));
                Q4MatVec512.Prepare(px, cols, x, 16);
                dot = &Q5MatVec512.DotPadded;
                dotLast = &Q5MatVec512.Dot;
                return x;
            case MatMulKernel.Q4KMatVec512:
                x = ThreadBuffer.Activations(Q4KMatVec512.PreparedBytes(cols));
                Q4KMatVec512.Prepare(px, cols, x);
                dot = &Q4KMatVec512.Dot;
                return x;
            default:
                x = ThreadBuffer.Activations(Q8MatVec512.PreparedBytes(cols));
                Q8MatVec512.Prepare(px, cols, x);
                dot = &Q8MatVec512.DotPadded;
                dotLast = &Q8MatVec512.Dot;
                return x;
        }
    }

    /// <summary>f32 scales of the n Q8_0 activation rows, row j at d + j·nbPad, padded with zeros.</summary>
    private static void ActivationScales(byte* x, nint xRowBytes, int n, int nb, int nbPad, float* d)
    {
        for (int j = 0; j < n; j++, x += xRowBytes, d += nbPad)
        {
            for (int b = 0; b < nb; b++)
            {
                d[b] = HalfScale.Read(x + (b * 34));
            }

            for (int b = nb; b < nbPad; b++)
            {
                d[b] = 0;
            }
        }
    }
}
