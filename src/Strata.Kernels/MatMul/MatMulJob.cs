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

    public byte* W;
    public nint RowBytes;
    public GgmlType Type;
    public int Rows;
    public int Cols;
    public int N;
    public int ChunkRows;
    public float* X;
    public float* Y;

    /// <summary>Σx table of X (N = 1, AVX-512 types with a minimum), else null.</summary>
    public float* Sums;

    /// <summary>Long prefill (N ≥ <see cref="MatMul.OuterRows"/>): rows go through <see cref="FloatOuterTile512"/> tiles of 32 first.</summary>
    public bool Outer;

    /// <summary>Every N takes the tiled path below, N = 1 included (see <see cref="MatMul.Run"/>).</summary>
    public bool Invariant;

    /// <summary>AVX-512 row dot for N = 1, hoisted out of the row loop; null selects <see cref="DequantDispatch.Dot"/>.</summary>
    public delegate*<byte*, float*, float*, int, float> Dot512;

    [ThreadStatic]
    private static float[]? t_scratch;

    [ThreadStatic]
    private static float[]? t_sums;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int r0 = index * ChunkRows;
        int r1 = Math.Min(Rows, r0 + ChunkRows);
        if (N == 1 && !Invariant)
        {
            if (Dot512 != null)
            {
                byte* w = W + (r0 * RowBytes);
                for (int r = r0; r < r1; r++, w += RowBytes)
                {
                    Y[r] = Dot512(w, X, Sums, Cols);
                }

                return;
            }

            for (int r = r0; r < r1; r++)
            {
                Y[r] = DequantDispatch.Dot(Type, W + (r * RowBytes), X, Cols);
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
        if (Type == GgmlType.F32)
        {
            // Rows are already f32: no scratch needed.
            int r = r0;
            for (; r + Tile <= r1; r += Tile)
            {
                TileDots((float*)(W + (r * RowBytes)), Cols, r);
            }

            for (; r < r1; r++)
            {
                for (int j = 0; j < N; j++)
                {
                    Y[((nint)j * Rows) + r] = FloatDots.Dot((float*)(W + (r * RowBytes)), X + ((nint)j * Cols), Cols);
                }
            }

            return;
        }

        float[] scratch = Scratch((Tile * Cols) + (Tile * N));
        fixed (float* s = scratch)
        {
            int kc = ChunkColumns(Type, Cols);
            for (int r = r0; r < r1; r += Tile)
            {
                int rows = Math.Min(Tile, r1 - r);
                if (rows == Tile && N == 1 && InvariantMatVec.Applies(Type))
                {
                    // One activation row: the tile's sums with the weights dequantized in registers (no scratch round trip).
                    new Span<float>(res, Tile).Clear();
                    byte* w = W + (r * RowBytes);
                    if (kc < Cols && InvariantMatVec.AppliesToRow(Type))
                    {
                        // Rows of several chunks: one row at a time, one memory stream (same chains).
                        for (int t = 0; t < Tile; t++)
                        {
                            for (int k0 = 0; k0 < Cols; k0 += kc)
                            {
                                InvariantMatVec.AddRow(Type, w + (t * RowBytes) + GgmlTypeInfo.RowBytes(Type, k0), X + k0, Math.Min(kc, Cols - k0), res + t);
                            }
                        }
                    }
                    else
                    {
                        for (int k0 = 0; k0 < Cols; k0 += kc)
                        {
                            InvariantMatVec.Add(Type, w + GgmlTypeInfo.RowBytes(Type, k0), RowBytes, X + k0, Math.Min(kc, Cols - k0), res);
                        }
                    }

                    Store(0, r, res, Tile);
                    continue;
                }

                if (rows == Tile)
                {
                    // Dequantized a chunk at a time (4 × ≤ 768 floats stay in L1), with the same sums as whole rows.
                    TileDots(s, kc, r, s + ((nint)Tile * Cols), dequantize: true);
                    continue;
                }

                for (int t = 0; t < rows; t++)
                {
                    DequantDispatch.Dequantize(Type, W + ((r + t) * RowBytes), s + ((nint)t * Cols), Cols);
                }

                for (int j = 0; j < N; j++)
                {
                    float* x = X + ((nint)j * Cols);
                    for (int t = 0; t < rows; t++)
                    {
                        res[t] = FloatDots.Dot(s + ((nint)t * Cols), x, Cols);
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
            for (int k0 = 0; k0 < Cols; k0 += kc)
            {
                int kn = Math.Min(kc, Cols - k0);
                if (Type == GgmlType.F16)
                {
                    FloatOuterTile512.Transpose32Half((ushort*)(W + (r * RowBytes)) + k0, RowBytes, kn, wt);
                }

                for (int t = 0; t < tr && Type != GgmlType.F16; t++)
                {
                    byte* row = W + ((r + t) * RowBytes);
                    if (Type == GgmlType.F32)
                    {
                        new ReadOnlySpan<float>((float*)row + k0, kn).CopyTo(new Span<float>(rows + (t * kc), kn));
                    }
                    else
                    {
                        // kc and k0 are multiples of 256, so k0 falls on a block boundary of every type.
                        DequantDispatch.Dequantize(Type, row + GgmlTypeInfo.RowBytes(Type, k0), rows + (t * kc), kn);
                    }
                }

                if (Type != GgmlType.F16)
                {
                    FloatOuterTile512.Transpose32(rows, kc, kn, wt);
                }
                int j = 0;
                for (; j + FloatOuterTile512.Cols <= N; j += FloatOuterTile512.Cols)
                {
                    FloatOuterTile512.Tile(wt, X + ((nint)j * Cols) + k0, Cols, kn, Y + ((nint)j * Rows) + r, Rows, k0 > 0);
                }
            }

            for (int j = N - (N % FloatOuterTile512.Cols); j < N; j++)
            {
                for (int t = 0; t < tr; t++)
                {
                    Y[((nint)j * Rows) + r + t] = DequantDispatch.Dot(Type, W + ((r + t) * RowBytes), X + ((nint)j * Cols), Cols);
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
            float[] scratch = Scratch(Tile * N);
            fixed (float* a = scratch)
            {
                TileDots(w, wStride, r, a, dequantize);
            }

            return;
        }

        new Span<float>(acc, Tile * N).Clear();
        if (dequantize)
        {
            // The next tile's rows into L2 while this one computes: 16-row steps of SmolLM-135M Q8_0 went from 38.6 to
            // 34.9 ms (30 layers of distinct matrices 29.6 → 26.3 ms); into L1 (T0) they gained nothing.
            nint next = (r + Tile) * RowBytes;
            StreamPrefetch.ToL2(W + next, Math.Min(Tile * RowBytes, (Rows * RowBytes) - next));
        }

        int kc = ChunkColumns(Type, Cols);
        for (int k0 = 0; k0 < Cols; k0 += kc)
        {
            int len = Math.Min(kc, Cols - k0);
            float* wk = w + k0;
            if (dequantize)
            {
                // The chunk is a multiple of the type's block, so k0 falls on a block boundary.
                nint offset = (nint)GgmlTypeInfo.RowBytes(Type, k0);
                for (int t = 0; t < Tile; t++)
                {
                    DequantDispatch.Dequantize(Type, W + ((r + t) * RowBytes) + offset, w + (t * wStride), len);
                }

                wk = w;
            }

            int j = 0;
            for (; j + 4 <= N; j += 4)
            {
                // 4 weight rows × 4 activation rows: acc holds Tile floats per activation row, so the 16 results land in place.
                FloatTile4.Dot4x4(wk, wStride, X + ((nint)j * Cols) + k0, Cols, len, acc + (Tile * j));
            }

            for (; j < N; j++)
            {
                // The same per-result arithmetic as the 4 × 4 tile, so a row's sums do not depend on N.
                FloatDots.Dot4Add(wk, wStride, X + ((nint)j * Cols) + k0, len, acc + (Tile * j));
            }
        }

        for (int j = 0; j < N; j++)
        {
            Store(j, r, acc + (Tile * j), Tile);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Store(int j, int r, float* res, int rows)
    {
        float* y = Y + ((nint)j * Rows) + r;
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
