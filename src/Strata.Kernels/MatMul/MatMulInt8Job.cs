// Parallel part of MatMulInt8: one chunk of weight rows against every quantized activation row.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Part index covers weight rows [index·ChunkRows, …). For N &gt; 1 the rows go in tiles of <see cref="Tile"/>, each tile
/// dotted with every activation row while its weights stay in L1.
/// </summary>
internal unsafe struct MatMulInt8Job : IParallelJob
{
    /// <summary>The matrix, its row chunks and the activation row count.</summary>
    public MatrixRows M;
    public byte* X;
    public nint XRowBytes;
    public float* Y;

    /// <summary>Row dot kernel from <see cref="IntDotDispatch.Kernel"/>, hoisted out of the loops.</summary>
    public delegate*<byte*, byte*, int, float> Dot;

    /// <summary>Row dot for the matrix's last row when <see cref="Dot"/> may read past its row (N = 1), or null.</summary>
    public delegate*<byte*, byte*, int, float> DotLast;

    /// <summary>
    /// Q4_0/Q5_0 activation rows prepared for <see cref="Q4Tile512"/>, or, with <see cref="GemmK"/>, the rows after the
    /// last full tile (row j at (j mod 4)·XpRowBytes) prepared for the K-quant one-row kernel; or null.
    /// </summary>
    public byte* Xp;

    /// <summary>Bytes per prepared activation row.</summary>
    public nint XpRowBytes;

    /// <summary>4 × 4 tile kernel of <see cref="IntTile512"/>, or null (row dots only).</summary>
    public delegate*<byte*, nint, float*, byte*, nint, float*, int, int, float*, nint, void> Gemm;

    /// <summary>The same tile for one activation row (the rows after the last full tile), set with <see cref="Gemm"/>.</summary>
    public delegate*<byte*, nint, float*, byte*, nint, float*, int, int, float*, nint, void> Gemm1;

    /// <summary>4 × 4 K-quant tile kernel of <see cref="IntKTile512"/>, or null.</summary>
    public delegate*<byte*, nint, byte*, nint, int, float*, nint, void> GemmK;

    /// <summary>The same tile for one activation row (the rows after the last full tile), set with <see cref="GemmK"/>.</summary>
    public delegate*<byte*, nint, byte*, nint, int, float*, nint, void> GemmK1;

    /// <summary>Activation block scales as f32, row j at Dx + j·NbPad (set with <see cref="Gemm"/>).</summary>
    public float* Dx;

    /// <summary>Blocks per row rounded up to even.</summary>
    public int NbPad;

    /// <summary>Bytes of one weight block (its f16 scale first).</summary>
    public int BlockBytes;

    public const int Tile = 4;

    /// <summary>The matrix packed for <see cref="Q8Tile512.TilePacked"/> (<see cref="WeightMatrix.Packed"/>), or null.</summary>
    public byte* Wp;

    /// <summary>The job for weight matrix w against n activation rows at x (prepared rows at xp when a tile path runs).</summary>
    public static MatMulInt8Job For(in WeightMatrix w, int n, int chunkRows, byte* x, nint xRowBytes, float* y,
        delegate*<byte*, byte*, int, float> dot, delegate*<byte*, byte*, int, float> dotLast, byte* xp, nint xpRowBytes) => new()
        {
            M = MatrixRows.For(in w, n, chunkRows),
            X = x,
            XRowBytes = xRowBytes,
            Y = y,
            Dot = dot,
            DotLast = dotLast,
            Xp = xp,
            XpRowBytes = xpRowBytes,
            BlockBytes = GgmlTypeInfo.BlockBytes(w.Type),
            Wp = xp != null && w.Type == GgmlType.Q8_0 ? (byte*)w.Packed : null,
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int r0 = index * M.ChunkRows;
        int r1 = Math.Min(M.Rows, r0 + M.ChunkRows);
        if (Xp != null && M.Type == GgmlType.Q8_0)
        {
            // Decode included: one row takes the tile's arithmetic too, on packed or raw weights.
            TiledQ8(r0, r1);
            return;
        }

        if (M.N == 1 && Xp == null && Gemm == null && GemmK == null)
        {
            byte* w = M.W + (r0 * M.RowBytes);
            int end = DotLast != null && r1 == M.Rows ? r1 - 1 : r1;
            for (int r = r0; r < end; r++, w += M.RowBytes)
            {
                Y[r] = Dot(w, X, M.Cols);
            }

            if (end < r1)
            {
                Y[end] = DotLast(w, X, M.Cols);
            }

            return;
        }

        if (GemmK != null)
        {
            TiledK(r0, r1);
            return;
        }

        if (Xp != null)
        {
            TiledQ4(r0, r1);
            return;
        }

        if (Gemm != null)
        {
            Tiled(r0, r1);
            return;
        }

        for (int r = r0; r < r1; r += Tile)
        {
            int rows = Math.Min(Tile, r1 - r);
            for (int j = 0; j < M.N; j++)
            {
                byte* x = X + (j * XRowBytes);
                float* y = Y + ((nint)j * M.Rows) + r;
                for (int t = 0; t < rows; t++)
                {
                    y[t] = Dot(M.W + ((r + t) * M.RowBytes), x, M.Cols);
                }
            }
        }
    }

    /// <summary>Q4_0 / Q5_0 rows [r0, r1) in 4 × 4 tiles of <see cref="Q4Tile512"/>; tail blocks, leftover rows and columns through the row dot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void TiledQ4(int r0, int r1)
    {
        int nb = M.Cols / 32;
        int quads = Q4Tile512.Quads(M.Cols);
        float* dw = stackalloc float[4 * 16 * quads];
        byte* split = ThreadBuffer.Weights(quads * 512);

        // A padded last quad reads a little into the next row: the matrix's last row stays out of the tiles.
        int tileEnd = (nb & 3) != 0 && r1 == M.Rows ? r1 - 1 : r1;
        int r = r0;
        for (; r + 4 <= tileEnd; r += 4)
        {
            byte* w = M.W + (r * M.RowBytes);
            if (M.N < 4)
            {
                // No full tile: each row against the raw weights, split in registers (decode pays no split copy).
                for (int k = 0; k < M.N; k++)
                {
                    Q4Tile512.RowRaw(w, M.RowBytes, nb, BlockBytes != 18, Xp + (k * XpRowBytes), Y + ((nint)k * M.Rows) + r);
                }

                continue;
            }

            for (int t = 0; t < 4; t++)
            {
                Q4Tile512.ExpandScales(w + (t * M.RowBytes), nb, dw + (t * 16 * quads), BlockBytes);
            }

            // The tile row's nibbles are split once and reused by every activation tile.
            Q4Tile512.SplitRows(w, M.RowBytes, quads, BlockBytes != 18, split);
            int j = 0;
            for (; j + 4 <= M.N; j += 4)
            {
                Q4Tile512.TileSplit<FourRows>(split, dw, Xp + (j * XpRowBytes), XpRowBytes, quads, Y + ((nint)j * M.Rows) + r, M.Rows);
            }

            // The rows after the last full tile, one by one, with exactly a tile row's arithmetic.
            for (; j < M.N; j++)
            {
                Q4Tile512.TileSplit<OneRow>(split, dw, Xp + (j * XpRowBytes), XpRowBytes, quads, Y + ((nint)j * M.Rows) + r, M.Rows);
            }
        }

        for (; r < r1; r++)
        {
            for (int j = 0; j < M.N; j++)
            {
                Y[((nint)j * M.Rows) + r] = Dot(M.W + (r * M.RowBytes), X + (j * XRowBytes), M.Cols);
            }
        }
    }

    /// <summary>
    /// Q8_0 rows [r0, r1) in 4 × 4 tiles of <see cref="Q8Tile512.TilePacked"/>. Packed at load (<see cref="Wp"/>), the
    /// tile rows are read in place; raw, each is packed into a thread buffer first (with N ≥ 4). One activation row,
    /// leftover activation rows and leftover weight rows take <see cref="Q8Tile512.DotPacked"/> (or
    /// <see cref="Q8Tile512.DotRaw"/> on raw rows), both exactly the tile's arithmetic: a row's result does not depend
    /// on how many rows share the product (batch invariance).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void TiledQ8(int r0, int r1)
    {
        int steps = M.Cols / 64;
        nint qStride = (nint)steps * 64;
        nint sStride = (nint)steps * 2;
        float* scales = Wp != null ? (float*)(Wp + ((long)M.Rows * qStride)) : null;
        byte* buffer = Wp == null && M.N >= 4 ? ThreadBuffer.Weights((int)Q8Tile512.PackedBytes(4, M.Cols)) : null;
        int r = r0;
        if (M.N >= 4)
        {
            for (; r + 4 <= r1; r += 4)
            {
                if (r + 8 <= M.Rows)
                {
                    // The next tile into L2 meanwhile, as MatMulJob does: 16-row steps of SmolLM-135M Q8_0 39.7 → 35.4 ms.
                    PrefetchTile(r + 4, qStride, sStride, scales);
                }

                byte* w = Wp + (r * qStride);
                float* ws = scales + (r * sStride);
                if (Wp == null)
                {
                    Q8Tile512.Pack(M.W + (r * M.RowBytes), M.RowBytes, 4, M.Cols, 0, 4, buffer);
                    w = buffer;
                    ws = (float*)(buffer + (4 * qStride));
                }

                int j = 0;
                for (; j + 4 <= M.N; j += 4)
                {
                    Q8Tile512.TilePacked(w, ws, qStride, sStride, Xp + (j * XpRowBytes), XpRowBytes, steps, Y + ((nint)j * M.Rows) + r, M.Rows);
                }

                for (; j < M.N; j++)
                {
                    for (int t = 0; t < 4; t++)
                    {
                        Y[((nint)j * M.Rows) + r + t] = Q8Tile512.DotPacked(w + (t * qStride), ws + (t * sStride), Xp + (j * XpRowBytes), M.Cols);
                    }
                }
            }
        }

        for (; r < r1; r++)
        {
            for (int j = 0; j < M.N; j++)
            {
                Y[((nint)j * M.Rows) + r] = Wp != null
                    ? Q8Tile512.DotPacked(Wp + (r * qStride), scales + (r * sStride), Xp + (j * XpRowBytes), M.Cols)
                    : Q8Tile512.DotRaw(M.W + (r * M.RowBytes), Xp + (j * XpRowBytes), M.Cols);
            }
        }
    }

    /// <summary>The 4-row tile at row r into L2: its packed quants and scales, or its raw rows.</summary>
    private readonly void PrefetchTile(int r, nint qStride, nint sStride, float* scales)
    {
        if (Wp == null)
        {
            StreamPrefetch.ToL2(M.W + (r * M.RowBytes), 4 * M.RowBytes);
            return;
        }

        StreamPrefetch.ToL2(Wp + (r * qStride), 4 * qStride);
        StreamPrefetch.ToL2((byte*)(scales + (r * sStride)), 4 * sStride * sizeof(float));
    }

    /// <summary>Rows [r0, r1) in 4 × 4 tiles; leftover rows and columns through the row dot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void Tiled(int r0, int r1)
    {
        int nb = M.Cols / 32;
        float* dw = stackalloc float[IntTile512.Tile * NbPad];
        int r = r0;
        for (; r + IntTile512.Tile <= r1; r += IntTile512.Tile)
        {
            byte* w = M.W + (r * M.RowBytes);
            for (int t = 0; t < IntTile512.Tile; t++)
            {
                byte* row = w + (t * M.RowBytes);
                float* d = dw + (t * NbPad);
                for (int b = 0; b < nb; b++)
                {
                    d[b] = HalfScale.Read(row + (b * BlockBytes));
                }

                for (int b = nb; b < NbPad; b++)
                {
                    d[b] = 0;
                }
            }

            int j = 0;
            for (; j + IntTile512.Tile <= M.N; j += IntTile512.Tile)
            {
                Gemm(w, M.RowBytes, dw, X + (j * XRowBytes), XRowBytes, Dx + ((nint)j * NbPad), NbPad, nb, Y + ((nint)j * M.Rows) + r, M.Rows);
            }

            // The rows after the last full tile, one by one, with exactly a tile row's arithmetic.
            for (; j < M.N; j++)
            {
                Gemm1(w, M.RowBytes, dw, X + (j * XRowBytes), XRowBytes, Dx + ((nint)j * NbPad), NbPad, nb, Y + ((nint)j * M.Rows) + r, M.Rows);
            }
        }

        for (; r < r1; r++)
        {
            for (int j = 0; j < M.N; j++)
            {
                Y[((nint)j * M.Rows) + r] = Dot(M.W + (r * M.RowBytes), X + (j * XRowBytes), M.Cols);
            }
        }
    }

    /// <summary>Rows [r0, r1) in 4 × 4 K-quant tiles; leftover rows and columns through the row dot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void TiledK(int r0, int r1)
    {
        int nsb = M.Cols / 256;
        // From two activation tiles on, each tile row's levels and scales are decoded once and read by every tile (same bits).
        var prepare = M.N >= 2 * IntKTile512.Tile ? MatMulInt8Kernels.PrepareK(M.Type) : null;
        var tilePrepared = MatMulInt8Kernels.GemmKPrepared(M.Type);
        byte* prepared = prepare != null ? ThreadBuffer.Weights(nsb * Math.Max(IntKTile512.PreparedQ4KBytes, IntKTile512.PreparedQ6KBytes)) : null;
        int r = r0;
        for (; r + IntKTile512.Tile <= r1; r += IntKTile512.Tile)
        {
            byte* w = M.W + (r * M.RowBytes);
            int j = 0;
            if (prepare != null)
            {
                prepare(w, M.RowBytes, nsb, prepared);
                for (; j + IntKTile512.Tile <= M.N; j += IntKTile512.Tile)
                {
                    tilePrepared(prepared, X + (j * XRowBytes), XRowBytes, nsb, Y + ((nint)j * M.Rows) + r, M.Rows);
                }
            }

            for (; j + IntKTile512.Tile <= M.N; j += IntKTile512.Tile)
            {
                GemmK(w, M.RowBytes, X + (j * XRowBytes), XRowBytes, nsb, Y + ((nint)j * M.Rows) + r, M.Rows);
            }

            // The rows after the last full tile, one by one, with exactly a tile row's arithmetic.
            for (; j < M.N; j++)
            {
                byte* x = Xp != null ? Xp + ((j & 3) * XpRowBytes) : X + (j * XRowBytes);
                GemmK1(w, M.RowBytes, x, XRowBytes, nsb, Y + ((nint)j * M.Rows) + r, M.Rows);
            }
        }

        for (; r < r1; r++)
        {
            for (int j = 0; j < M.N; j++)
            {
                Y[((nint)j * M.Rows) + r] = Dot(M.W + (r * M.RowBytes), X + (j * XRowBytes), M.Cols);
            }
        }
    }
}
