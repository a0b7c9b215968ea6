// Parallel job of MatMul: one chunk of weight rows against all activation rows.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Strata.Kernels;

/// <summary>
/// Part <c>index</c> covers weight rows [index·ChunkRows, …). For N = 1 each row is dotted in registers; for N &gt; 1 a tile
/// of four rows is dequantized once into a per-thread f32 scratch and dotted with every activation row.
/// </summary>
internal unsafe struct MatMulJob : IParallelJob
{
    public const int Tile = 4;

    /// <summary>Longest column chunk of the tiled path: 4 rows × 768 floats = 12 KiB of L1.</summary>
    internal const int MaxChunk = 768;

    /// <summary>
    /// Column chunk of the tiled path for a matrix cols wide: the fewest chunks of at most <see cref="MaxChunk"/>, as even
    /// as the type's block (and 16 lanes) allow, never wider than the row: 576 → one chunk, 1536 → 768 + 768, 2048 Q4_K → 768 + 768 + 512. It
    /// depends on the matrix alone, so every row count sums the same chunks. (Fixed 512-column chunks left SmolLM's
    /// 576-wide matrices a 64-column tail with a whole chunk's reductions: 16-row steps took 36.3 ms against 34.5.)
    /// </summary>
    internal static int ChunkColumns(GgmlType type, int cols)
    {
        int granule = Math.Max(GgmlTypeInfo.BlockElements(type), 16);
        int chunks = Math.Max(1, (cols + MaxChunk - 1) / MaxChunk);
        int len = (cols + chunks - 1) / chunks;
        return Math.Min((len + granule - 1) / granule * granule, cols);
    }

    /// <summary>The matrix, its row chunks and the activation row count.</summary>
    public MatrixRows M;
    public float* X;
    public float* Y;

    /// <summary>Σx table of X (N = 1, AVX-512 types with a minimum), else null.</summary>
    public float* Sums;

    /// <summary>Long prefill (N ≥ <see cref="MatMul.OuterRowsFor"/> of the type): rows go through <see cref="FloatOuterTile512"/> tiles of 32 first.</summary>
    public bool Outer;

    /// <summary>Every N takes the tiled path below, N = 1 included (see <c>MatMul.Run</c>).</summary>
    public bool Invariant;

    /// <summary>AVX-512 row dot for N = 1, hoisted out of the row loop; null selects <see cref="DequantDispatch.Dot"/>.</summary>
    public delegate*<byte*, float*, float*, int, float> Dot512;

    /// <summary>The job for weight matrix w against n activation rows at x, results to y.</summary>
    public static MatMulJob For(in WeightMatrix w, int n, int chunkRows, float* x, float* y, float* sums,
        delegate*<byte*, float*, float*, int, float> dot512, bool invariant) => new()
        {
            M = MatrixRows.For(in w, n, chunkRows),
            X = x,
            Y = y,
            Sums = sums,
            Dot512 = dot512,
            Invariant = invariant,
        };

    [ThreadStatic]
    private static float[]? t_scratch;

    [ThreadStatic]
    private static float[]? t_sums;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int r0 = index * M.ChunkRows;
        int r1 = Math.Min(M.Rows, r0 + M.ChunkRows);
        if (M.N == 1 && !Invariant)
        {
            if (Dot512 != null)
            {
                byte* w = M.W + (r0 * M.RowBytes);
                for (int r = r0; r < r1; r++, w += M.RowBytes)
                {
                    Y[r] = Dot512(w, X, Sums, M.Cols);
                }

                return;
            }

            for (int r = r0; r < r1; r++)
            {
                Y[r] = DequantDispatch.Dot(M.Type, M.W + (r * M.RowBytes), X, M.Cols);
            }

            return;
        }

        if (Outer)
        {
            r0 = OuterTiles(r0, r1);
            if (r0 >= r1)
            {
                return;
            }
        }

        float* res = stackalloc float[Tile];
        if (M.Type == GgmlType.F32)
        {
            // Rows are already f32: no scratch needed.
            int r = r0;
            for (; r + Tile <= r1; r += Tile)
            {
                TileDots((float*)(M.W + (r * M.RowBytes)), M.Cols, r);
            }

            for (; r < r1; r++)
            {
                for (int j = 0; j < M.N; j++)
                {
                    Y[((nint)j * M.Rows) + r] = FloatDots.Dot((float*)(M.W + (r * M.RowBytes)), X + ((nint)j * M.Cols), M.Cols);
                }
            }

            return;
        }

        float[] scratch = Scratch((Tile * M.Cols) + (Tile * M.N));
        fixed (float* s = scratch)
        {
            int kc = ChunkColumns(M.Type, M.Cols);
            for (int r = r0; r < r1; r += Tile)
            {
                int rows = Math.Min(Tile, r1 - r);
                if (rows == Tile && M.N == 1 && InvariantMatVec.Applies(M.Type))
                {
                    // One activation row: the tile's sums with the weights dequantized in registers (no scratch round trip).
                    new Span<float>(res, Tile).Clear();
                    byte* w = M.W + (r * M.RowBytes);
                    if (kc < M.Cols && InvariantMatVec.AppliesToRow(M.Type))
                    {
                        // Rows of several chunks: one row at a time, one memory stream (same chains).
                        for (int t = 0; t < Tile; t++)
                        {
                            for (int k0 = 0; k0 < M.Cols; k0 += kc)
                            {
                                InvariantMatVec.AddRow(M.Type, w + (t * M.RowBytes) + GgmlTypeInfo.RowBytes(M.Type, k0), X + k0, Math.Min(kc, M.Cols - k0), res + t);
                            }
                        }
                    }
                    else
                    {
                        for (int k0 = 0; k0 < M.Cols; k0 += kc)
                        {
                            InvariantMatVec.Add(M.Type, w + GgmlTypeInfo.RowBytes(M.Type, k0), M.RowBytes, X + k0, Math.Min(kc, M.Cols - k0), res);
                        }
                    }

                    Store(0, r, res, Tile);
                    continue;
                }

                if (rows == Tile)
                {
                    // Dequantized a chunk at a time (4 × ≤ 768 floats stay in L1), with the same sums as whole rows.
                    TileDots(s, kc, r, s + ((nint)Tile * M.Cols), dequantize: true);
                    continue;
                }

                for (int t = 0; t < rows; t++)
                {
                    DequantDispatch.Dequantize(M.Type, M.W + ((r + t) * M.RowBytes), s + ((nint)t * M.Cols), M.Cols);
                }

                for (int j = 0; j < M.N; j++)
                {
                    float* x = X + ((nint)j * M.Cols);
                    for (int t = 0; t < rows; t++)
                    {
                        res[t] = FloatDots.Dot(s + ((nint)t * M.Cols), x, M.Cols);
                    }

                    Store(j, r, res, rows);
                }
            }
        }
    }

    /// <summary>
    /// Whole 32-row tiles of [r0, r1) through <see cref="FloatOuterTile512"/>, K in chunks: dequantize, transpose, then every
    /// 8 activation rows; leftover activation rows (N mod 8) by row dots. Returns the first row left to the caller.
    /// </summary>
    private readonly int OuterTiles(int r0, int r1)
    {
        const int tr = FloatOuterTile512.Rows;
        const int kc = FloatOuterTile512.KChunk;
        float* rows = FloatOuterTile512.Scratch();
        float* wt = rows + (tr * kc);
        int r = r0;
        for (; r + tr <= r1; r += tr)
        {
            for (int k0 = 0; k0 < M.Cols; k0 += kc)
            {
                int kn = Math.Min(kc, M.Cols - k0);
                if (M.Type == GgmlType.F16)
                {
                    FloatOuterTile512.Transpose32Half((ushort*)(M.W + (r * M.RowBytes)) + k0, M.RowBytes, kn, wt);
                }

                for (int t = 0; t < tr && M.Type != GgmlType.F16; t++)
                {
                    byte* row = M.W + ((r + t) * M.RowBytes);
                    if (M.Type == GgmlType.F32)
                    {
                        new ReadOnlySpan<float>((float*)row + k0, kn).CopyTo(new Span<float>(rows + (t * kc), kn));
                    }
                    else
                    {
                        // kc and k0 are multiples of 256, so k0 falls on a block boundary of every type.
                        DequantDispatch.Dequantize(M.Type, row + GgmlTypeInfo.RowBytes(M.Type, k0), rows + (t * kc), kn);
                    }
                }

                if (M.Type != GgmlType.F16)
                {
                    FloatOuterTile512.Transpose32(rows, kc, kn, wt);
                }
                int j = 0;
                for (; j + FloatOuterTile512.Cols <= M.N; j += FloatOuterTile512.Cols)
                {
                    FloatOuterTile512.Tile(wt, X + ((nint)j * M.Cols) + k0, M.Cols, kn, Y + ((nint)j * M.Rows) + r, M.Rows, k0 > 0);
                }
            }

            for (int j = M.N - (M.N % FloatOuterTile512.Cols); j < M.N; j++)
            {
                for (int t = 0; t < tr; t++)
                {
                    Y[((nint)j * M.Rows) + r + t] = DequantDispatch.Dot(M.Type, M.W + ((r + t) * M.RowBytes), X + ((nint)j * M.Cols), M.Cols);
                }
            }
        }

        return r;
    }

    /// <summary>
    /// Y rows r..r+4 for every activation row from four f32 weight rows. Columns go in chunks of <see cref="ChunkColumns"/> so
    /// the four weight chunks stay in L1 while every activation row streams past them; each result is the sum, in chunk
    /// order, of one 16-lane chain per chunk, whatever N. Without <paramref name="dequantize"/> the rows are at w, wStride
    /// apart; with it, weight rows r..r+4 are dequantized one chunk at a time into w (wStride ≥ the chunk). The partial sums
    /// collect in acc (Tile·N floats; the per-thread scratch when null).
    /// </summary>
    private readonly void TileDots(float* w, nint wStride, int r, float* acc = null, bool dequantize = false)
    {
        if (acc == null)
        {
            float[] scratch = Scratch(Tile * M.N);
            fixed (float* a = scratch)
            {
                TileDots(w, wStride, r, a, dequantize);
            }

            return;
        }

        new Span<float>(acc, Tile * M.N).Clear();
        if (dequantize)
        {
            // The next tile's rows into L2 while this one computes: 16-row steps of SmolLM-135M Q8_0 went from 38.6 to
            // 34.9 ms (30 layers of distinct matrices 29.6 → 26.3 ms); into L1 (T0) they gained nothing.
            nint next = (r + Tile) * M.RowBytes;
            StreamPrefetch.ToL2(M.W + next, Math.Min(Tile * M.RowBytes, (M.Rows * M.RowBytes) - next));
        }

        int kc = ChunkColumns(M.Type, M.Cols);
        for (int k0 = 0; k0 < M.Cols; k0 += kc)
        {
            int len = Math.Min(kc, M.Cols - k0);
            float* wk = w + k0;
            if (dequantize)
            {
                // The chunk is a multiple of the type's block, so k0 falls on a block boundary.
                nint offset = (nint)GgmlTypeInfo.RowBytes(M.Type, k0);
                for (int t = 0; t < Tile; t++)
                {
                    DequantDispatch.Dequantize(M.Type, M.W + ((r + t) * M.RowBytes) + offset, w + (t * wStride), len);
                }

                wk = w;
            }

            int j = 0;
            for (; j + 4 <= M.N; j += 4)
            {
                // 4 weight rows × 4 activation rows: acc holds Tile floats per activation row, so the 16 results land in place.
                FloatTile4.Dot4x4(wk, wStride, X + ((nint)j * M.Cols) + k0, M.Cols, len, acc + (Tile * j));
            }

            for (; j < M.N; j++)
            {
                // The same per-result arithmetic as the 4 × 4 tile, so a row's sums do not depend on N.
                FloatDots.Dot4Add(wk, wStride, X + ((nint)j * M.Cols) + k0, len, acc + (Tile * j));
            }
        }

        for (int j = 0; j < M.N; j++)
        {
            Store(j, r, acc + (Tile * j), Tile);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Store(int j, int r, float* res, int rows)
    {
        float* y = Y + ((nint)j * M.Rows) + r;
        for (int t = 0; t < rows; t++)
        {
            y[t] = res[t];
        }
    }

    /// <summary>The calling thread's Σx table of at least length floats; grows once, pinned, never freed.</summary>
    public static float* SumsScratch(int length)
    {
        return ThreadBuffer.Get(ref t_sums, length, 1536);
    }

    private static float[] Scratch(int length)
    {
        float[]? s = t_scratch;
        if (s is null || s.Length < length)
        {
            // Grows once per thread to the widest row seen; pinned so it can be used through a pointer.
            s = GC.AllocateUninitializedArray<float>(Math.Max(length, 4096), pinned: true);
            t_scratch = s;
        }

        return s;
    }
}
