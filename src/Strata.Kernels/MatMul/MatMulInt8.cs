// Integer-dot matmul over quantized activations: y[n, rows] = xq[n] · Wᵀ, parallel over weight rows.
using System.Buffers;

namespace Strata.Kernels;

/// <summary>y[n, rows] = dequant(xq)[n, cols] · Wᵀ with integer block dots (the <see cref="NumericMode.QuantizedActivations"/> path).</summary>
public static unsafe class MatMulInt8
{
    /// <summary>
    /// xq holds n rows of <see cref="ActivationQuant.RowBytes"/> bytes each. Parallel over the pool. With
    /// <paramref name="batchInvariant"/>, a row's result does not depend on n or on its place among the rows: a Q8_0 row
    /// takes the 4 × 4 tile's arithmetic whatever n (Q8_0 products of n ≥ 2 rows always have it), and the other types
    /// take their row dot for every n, giving up their batched tiles and prepared decode kernels.
    /// </summary>
    public static void Run(WorkerPool pool, in WeightMatrix w, ReadOnlySpan<byte> xq, int n, Span<float> y, bool batchInvariant = false)
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

        if (w.Packed != 0 && w.PackedLayout == Q8Layout.Vnni)
        {
            fixed (float* py = y)
            {
                nint output = (nint)py;
                RunVnni(pool, new ReadOnlySpan<WeightMatrix>(in w), xq, n, new ReadOnlySpan<nint>(in output));
            }

            return;
        }

        int chunk = pool.ChunkRows(w.Rows, MatMulInt8Job.Tile);
        // Q8_0 takes the tile path for every n, decode included: one arithmetic for a row whatever the batch.
        bool q8Tile = TakesTile(w.Type, w.Cols, n, batchInvariant, w.Packed != 0);
        bool rowDots = batchInvariant && !q8Tile;
        bool q4Tile = !rowDots && w.Type is GgmlType.Q4_0 or GgmlType.Q5_0 && n >= 4 && Q4Tile512.Applies(w.Cols);
        var gemm = q4Tile || q8Tile || rowDots ? null : GemmKernel(w.Type, w.Cols, n);
        int nbPad = ((w.Cols / 32) + 1) & ~1;
        float[]? scales = gemm == null ? null : ArrayPool<float>.Shared.Rent(n * nbPad);
        fixed (byte* px = xq)
        fixed (float* py = y)
        fixed (float* pd = scales)
        {
            if (gemm != null)
            {
                ActivationScales(px, (nint)xRowBytes, n, w.Cols / 32, nbPad, pd);
            }

            // Matrix-vector: the activation row is rearranged once into the kernel's layout.
            byte* x = px;
            var dot = IntDotDispatch.Kernel(w.Type);
            delegate*<byte*, byte*, int, float> dotLast = null;
            if (n == 1 && !q8Tile && !rowDots)
            {
                x = PrepareDecode(w.Type, w.Cols, px, ref dot, ref dotLast);
            }

            byte* xp = null;
            nint xpRowBytes = Q4Tile512.RowBytes(w.Cols);
            if (q8Tile)
            {
                xpRowBytes = Q8Tile512.RowBytes(w.Cols);
                xp = ThreadBuffer.Activations(n * (int)xpRowBytes);
                Q8Tile512.Prepare(px, (nint)xRowBytes, n, w.Cols, xp);
            }
            else if (q4Tile)
            {
                xp = ThreadBuffer.Activations(n * Q4Tile512.RowBytes(w.Cols));
                Q4Tile512.Prepare(px, (nint)xRowBytes, n, w.Cols, xp, w.Type == GgmlType.Q5_0 ? 16 : 8);
            }

            var job = MatMulInt8Job.For(in w, n, chunk, x, (nint)xRowBytes, py, dot, dotLast, xp, xpRowBytes) with
            {
                Gemm = gemm,
                GemmK = rowDots ? null : GemmKKernel(w.Type, n),
                Dx = pd,
                NbPad = nbPad,
            };
            pool.Run(in job, (w.Rows + chunk - 1) / chunk);
        }

        if (scales != null)
        {
            ArrayPool<float>.Shared.Return(scales);
        }
    }

    /// <summary>
    /// Matrix-vector products of one quantized activation row against two or three matrices of the same type and width
    /// (the Q/K/V or gate/up projections of a layer): <see cref="RunGroup"/> with one row.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunDecode(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false) => RunGroup(pool, weights, xq, 1, outputs, batchInvariant);

    /// <summary>Whether <see cref="RunGroup"/> takes n rows of these matrices in one pool run: decode always; batches of Q8_0 (its tile).</summary>
    public static bool Groups(GgmlType type, int cols, int n) => n == 1 || TakesTile(type, cols, n, false, false);

    /// <summary>
    /// n quantized activation rows against two or three matrices of the same type and width (Q/K/V, gate/up) in one pool
    /// run: outputs[i] receives y[n, weights[i].Rows]. The rows are prepared once for all the matrices (the decode kernel's
    /// layout, or the Q8_0 tile's) and the parts of all of them share the threads, so the small ones (K and V) no longer
    /// each pay a dispatch and a cold start; each result is bit-identical to <see cref="Run"/>'s. Batches
    /// <see cref="Groups"/> declines go through <see cref="Run"/> one matrix at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices differ in type or width, or a buffer is too short.</exception>
    public static void RunGroup(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, ReadOnlySpan<byte> xq, int n, ReadOnlySpan<nint> outputs,
        bool batchInvariant = false)
    {
        int total = MatrixGroup.TotalRows(pool, weights, n, outputs, needsData: false);
        WeightMatrix first = weights[0];

        long xRowBytes = ActivationQuant.RowBytes(first.Type, first.Cols);
        if (xq.Length < n * xRowBytes)
        {
            throw new ArgumentException($"xq holds {xq.Length} bytes; [{n}, {first.Cols}] needs {n * xRowBytes}", nameof(xq));
        }

        if (AllPacked(weights, Q8Layout.Vnni))
        {
            RunVnni(pool, weights, xq, n, outputs);
            return;
        }

        if (!Groups(first.Type, first.Cols, n))
        {
            for (int i = 0; i < weights.Length; i++)
            {
                Run(pool, in weights[i], xq, n, new Span<float>((float*)outputs[i], n * weights[i].Rows), batchInvariant);
            }

            return;
        }

        fixed (byte* px = xq)
        {
            var dot = IntDotDispatch.Kernel(first.Type);
            delegate*<byte*, byte*, int, float> dotLast = null;
            byte* x = px;
            byte* xp = null;
            nint xpRowBytes = 0;
            if (TakesTile(first.Type, first.Cols, n, batchInvariant, AllPacked(weights, Q8Layout.Tile)))
            {
                // As Run: the rows go through the tile arithmetic, decode included, so a row equals itself inside a batch.
                xpRowBytes = Q8Tile512.RowBytes(first.Cols);
                xp = ThreadBuffer.Activations(n * (int)xpRowBytes);
                Q8Tile512.Prepare(px, (nint)xRowBytes, n, first.Cols, xp);
            }
            else if (!batchInvariant)
            {
                // Only one row gets here (Groups): prepared for the type's matrix-vector kernel.
                x = PrepareDecode(first.Type, first.Cols, px, ref dot, ref dotLast);
            }

            // The same ~8 parts per thread as Run, spread over the matrices by rows.
            int chunk = pool.ChunkRows(total, MatMulInt8Job.Tile);
            var multi = new GroupJob<MatMulInt8Job>();
            for (int i = 0; i < weights.Length; i++)
            {
                WeightMatrix w = weights[i];
                multi.Set(i, MatMulInt8Job.For(in w, n, chunk, x, (nint)xRowBytes, (float*)outputs[i], dot, dotLast, xp, xpRowBytes),
                    (w.Rows + chunk - 1) / chunk);
            }

            pool.Run(in multi, multi.Count);
        }
    }

    /// <summary>
    /// Whether Q8_0 rows take <see cref="Q8Tile512"/>'s tile: every batch of two or more rows, and decode too with batch
    /// invariance or packed weights (without the per-call weight shuffle one row costs no more than the decode kernel).
    /// </summary>
    private static bool TakesTile(GgmlType type, int cols, int n, bool batchInvariant, bool packed) =>
        type == GgmlType.Q8_0 && (n >= 2 || batchInvariant || packed) && Q8Tile512.Applies(cols);

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
            int rowBytes = Q8Vnni.RowBytes(first.Cols);
            byte* xp = ThreadBuffer.Activations(n * rowBytes);
            Q8Vnni.Prepare(px, (nint)xRowBytes, n, first.Cols, xp);
            int chunkPanels = pool.ChunkRows(total, Q8Vnni.PanelRows) / Q8Vnni.PanelRows;
            var multi = new GroupJob<VnniJob>();
            for (int i = 0; i < weights.Length; i++)
            {
                WeightMatrix w = weights[i];
                var job = new VnniJob
                {
                    W = (byte*)w.Packed,
                    Rows = w.Rows,
                    Nb = w.Cols / 32,
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

    /// <summary>Prepares the activation row for the type's matrix-vector kernel and selects it; returns the row to pass.</summary>
    private static byte* PrepareDecode(GgmlType type, int cols, byte* px, ref delegate*<byte*, byte*, int, float> dot,
        ref delegate*<byte*, byte*, int, float> dotLast)
    {
        byte* x = px;
        if (type == GgmlType.Q4_0 && Q4MatVec512.Applies(cols))
        {
            x = ThreadBuffer.Activations(Q4MatVec512.PreparedBytes(cols));
            Q4MatVec512.Prepare(px, cols, x);
            dot = &Q4MatVec512.DotPadded;
            dotLast = &Q4MatVec512.Dot;
        }
        else if (type == GgmlType.Q5_0 && Q4MatVec512.Applies(cols))
        {
            x = ThreadBuffer.Activations(Q4MatVec512.PreparedBytes(cols));
            Q4MatVec512.Prepare(px, cols, x, 16);
            dot = &Q5MatVec512.DotPadded;
            dotLast = &Q5MatVec512.Dot;
        }
        else if (type == GgmlType.Q4_K && Q4KMatVec512.Applies(cols))
        {
            x = ThreadBuffer.Activations(Q4KMatVec512.PreparedBytes(cols));
            Q4KMatVec512.Prepare(px, cols, x);
            dot = &Q4KMatVec512.Dot;
        }
        else if (type == GgmlType.Q8_0 && Q8MatVec512.Applies(cols))
        {
            x = ThreadBuffer.Activations(Q8MatVec512.PreparedBytes(cols));
            Q8MatVec512.Prepare(px, cols, x);
            dot = &Q8MatVec512.DotPadded;
            dotLast = &Q8MatVec512.Dot;
        }

        return x;
    }


    /// <summary>The 4 × 4 tile kernel for n &gt; 1 on AVX-512, or null where the row dots do the work.</summary>
    private static delegate*<byte*, nint, float*, byte*, nint, float*, int, int, float*, nint, void> GemmKernel(GgmlType type, int cols, int n)
    {
        if (!KernelIsa.Use512 || n < IntTile512.Tile || cols / 32 > 8192)
        {
            return null;
        }

        return type switch
        {
            GgmlType.Q8_0 => &IntTile512.Q8_0,
            GgmlType.Q4_0 => &IntTile512.Q4_0,
            GgmlType.Q5_0 => &IntTile512.Q5_0,
            _ => null,
        };
    }

    /// <summary>The 4 × 4 K-quant tile kernel for n &gt;= 4 on AVX-512, or null where the row dots do the work.</summary>
    private static delegate*<byte*, nint, byte*, nint, int, float*, nint, void> GemmKKernel(GgmlType type, int n)
    {
        if (!KernelIsa.Use512 || n < IntKTile512.Tile)
        {
            return null;
        }

        return type switch
        {
            GgmlType.Q4_K => &IntKTile512.Q4K,
            GgmlType.Q6_K => &IntKTile512.Q6K,
            _ => null,
        };
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
