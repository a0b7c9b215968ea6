// Q4_0/Q5_0 prefill micro-kernel over nibble-ordered activations: 4 weight rows × 4 activation rows, four blocks per step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// The 4 × 4 tile of <see cref="IntTile512.Q4_0"/> rebuilt on the layout of <see cref="Q4MatVec512"/>: activation rows
/// are rearranged once per product into the weights' nibble order, and each tile row's weight quads (four blocks) are
/// split once into low and high levels (Q5_0 with its fifth bits) and reused by every activation tile; each
/// weight × activation pair then costs two byte products, one widening add, the exact int32 −8·Σy (−16·Σy) correction,
/// a convert and one fused multiply-add per 128 elements (the element-order tile needs six ops per 64). Requires AVX-512
/// F/BW/VBMI.
/// </summary>
/// <remarks>
/// Prepared activation row: per quad of blocks <see cref="QuadBytes"/> bytes = [lo 64 B | hi 64 B | correction int32 ×16
/// (−8·Σy of block i in lane 4i) | dy f32 ×16 (block i's scale in lanes 4i..4i+3)]. A last partial quad is padded with
/// zero activations and zero scales; its weight loads then reach up to 62 bytes into the next row (whose nibbles meet
/// zeros), so the caller keeps the matrix's last row away from the tile. Weight scales come as f32 in the same
/// ×4-expanded lane order, zero for padded blocks.
/// </remarks>
internal static unsafe class Q4Tile512
{
    /// <summary>Prepared bytes per quad of blocks.</summary>
    public const int QuadBytes = 256;

    /// <summary>True where the kernel runs.</summary>
    public static bool Applies(int cols) => KernelIsa.Use512 && Avx512Vbmi.IsSupported && cols >= 128 && cols <= 16384;

    /// <summary>Prepared bytes of one activation row.</summary>
    public static int RowBytes(int cols) => Quads(cols) * QuadBytes;

    /// <summary>Quads per row, the last one possibly partial.</summary>
    public static int Quads(int cols) => ((cols / 32) + 3) / 4;

    /// <summary>Prepares n Q8_0 activation rows (stride xRowBytes) into dst (stride <see cref="RowBytes"/>).</summary>
    public static void Prepare(byte* xq, nint xRowBytes, int n, int cols, byte* dst) => Prepare(xq, xRowBytes, n, cols, dst, 8);

    /// <summary>As <see cref="Prepare(byte*, nint, int, int, byte*)"/> with the correction −offset·Σy (16 for Q5_0).</summary>
    public static void Prepare(byte* xq, nint xRowBytes, int n, int cols, byte* dst, int offset)
    {
        int quads = Quads(cols);
        int nb = cols / 32;
        for (int j = 0; j < n; j++)
        {
            byte* x = xq + (j * xRowBytes);
            byte* d = dst + ((nint)j * RowBytes(cols));
            for (int qd = 0; qd < quads; qd++, d += QuadBytes)
            {
                int* corr = (int*)(d + 128);
                float* dy = (float*)(d + 192);
                int blocks = Math.Min(4, nb - (4 * qd));
                if (blocks < 4)
                {
                    new Span<byte>(d, QuadBytes).Clear();
                }

                for (int i = 0; i < blocks; i++, x += 34)
                {
                    byte* q = x + 2;
                    Vector128.Load(q).Store(d + (16 * i));
                    Vector128.Load(q + 16).Store(d + 64 + (16 * i));
                    Vector256<sbyte> v = Vector256.Load((sbyte*)q);
                    int sum = Vector256.Sum(Vector256.WidenLower(v) + Vector256.WidenUpper(v));
                    Vector128.Create(-offset * sum, 0, 0, 0).Store(corr + (4 * i));
                    Vector128.Create(HalfScale.Read(x)).Store(dy + (4 * i));
                }
            }
        }
    }

    /// <summary>
    /// The scales of one row of nb blocks of blockBytes bytes (18 Q4_0, 22 Q5_0) in the expanded lane order:
    /// dst[16·quad + 4·i + k] = d of block 4·quad + i, zero for the padding of a last partial quad.
    /// </summary>
    public static void ExpandScales(byte* row, int nb, float* dst, int blockBytes)
    {
        int b = 0;
        for (; b < nb; b++)
        {
            Vector128.Create(HalfScale.Read(row + (b * blockBytes))).Store(dst + (4 * b));
        }

        for (; (b & 3) != 0; b++)
        {
            Vector128<float>.Zero.Store(dst + (4 * b));
        }
    }

    /// <summary>Levels 0–31 of the Q5_0 quad at w: low halves (elements 0–15 of each block) and high halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split5(byte* w, out Vector512<byte> lo, out Vector512<byte> hi)
    {
        Vector512<byte> a = Vector512.Load(w);
        Vector512<byte> c = Vector512.Load(w + 24);
        Vector512<byte> v = Avx512Vbmi.PermuteVar64x8x2(a, Q5MatVec512.GatherQs, c);
        Vector512<byte> qh = Avx512Vbmi.PermuteVar64x8x2(a, Q5MatVec512.GatherQh, c);
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<byte> bits = Vector512.Create(0x8040201008040201UL).AsByte();
        lo = (v & low) | (Vector512.Min(Avx512Vbmi.PermuteVar64x8(qh, Q5MatVec512.SpreadLo) & bits, Vector512<byte>.One) << 4);
        hi = (Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low)
            | (Vector512.Min(Avx512Vbmi.PermuteVar64x8(qh, Q5MatVec512.SpreadHi) & bits, Vector512<byte>.One) << 4);
    }

    /// <summary>
    /// Splits the quads of 4 Q4_0 (five = false) or Q5_0 rows into dst: per quad, for each row t, [lo 64 B | hi 64 B] at
    /// dst + quad·512 + t·128. Done once per tile row and reused by every activation tile.
    /// </summary>
    public static void SplitRows(byte* w, nint rowBytes, int quads, bool five, byte* dst)
    {
        Vector512<byte> gather = Q4MatVec512.GatherQuad;
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        for (int qd = 0; qd < quads; qd++)
        {
            for (int t = 0; t < 4; t++)
            {
                Vector512<byte> lo, hi;
                if (five)
                {
                    Split5(w + (t * rowBytes) + (qd * 88), out lo, out hi);
                }
                else
                {
                    Split(w + (t * rowBytes) + (qd * 72), gather, low, out lo, out hi);
                }

                byte* d = dst + (qd * 512) + (t * 128);
                lo.Store(d);
                hi.Store(d + 64);
            }
        }
    }

    /// <summary>
    /// y[j·yStride + t] = Σ over the quads of the 4 split weight rows ws (<see cref="SplitRows"/>; scales dw + t·16·quads)
    /// and 4 prepared activation rows x + j·xRowBytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TileSplit<TRows>(byte* ws, float* dw, byte* x, nint xRowBytes, int quads, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        nint ds = (nint)quads * 16;
        for (int qd = 0; qd < quads; qd++, ws += 512)
        {
            Vector512<byte> l0 = Vector512.Load(ws), h0 = Vector512.Load(ws + 64);
            Vector512<byte> l1 = Vector512.Load(ws + 128), h1 = Vector512.Load(ws + 192);
            Vector512<byte> l2 = Vector512.Load(ws + 256), h2 = Vector512.Load(ws + 320);
            Vector512<byte> l3 = Vector512.Load(ws + 384), h3 = Vector512.Load(ws + 448);
            float* s = dw + (qd * 16);
            byte* a = x + (qd * QuadBytes);
            c00 = Pair(l0, h0, a, s, c00);
            c10 = Pair(l1, h1, a, s + ds, c10);
            c20 = Pair(l2, h2, a, s + (2 * ds), c20);
            c30 = Pair(l3, h3, a, s + (3 * ds), c30);
            if (TRows.Count == 1)
            {
                continue;
            }

            a += xRowBytes;
            c01 = Pair(l0, h0, a, s, c01);
            c11 = Pair(l1, h1, a, s + ds, c11);
            c21 = Pair(l2, h2, a, s + (2 * ds), c21);
            c31 = Pair(l3, h3, a, s + (3 * ds), c31);
            a += xRowBytes;
            c02 = Pair(l0, h0, a, s, c02);
            c12 = Pair(l1, h1, a, s + ds, c12);
            c22 = Pair(l2, h2, a, s + (2 * ds), c22);
            c32 = Pair(l3, h3, a, s + (3 * ds), c32);
            a += xRowBytes;
            c03 = Pair(l0, h0, a, s, c03);
            c13 = Pair(l1, h1, a, s + ds, c13);
            c23 = Pair(l2, h2, a, s + (2 * ds), c23);
            c33 = Pair(l3, h3, a, s + (3 * ds), c33);
        }

        TileRows.Store<TRows>(Reduce512.Sum4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33), y, yStride);
    }

    /// <summary>
    /// One prepared activation row x against the 4 raw Q4_0 (five = false) or Q5_0 weight rows at w (rowBytes apart, nb
    /// blocks): y[t] is exactly lane t of <see cref="TileSplit{TRows}"/> with <see cref="OneRow"/> over
    /// <see cref="SplitRows"/> and <see cref="ExpandScales"/> of the same rows (the same per-lane chain over the quads and
    /// the same reduction), with the nibbles split and the scales widened in registers: a row alone (decode, the rows of a
    /// batch under four) pays no split copy. Reads past the 4th row as <see cref="SplitRows"/> does.
    /// </summary>
    public static void RowRaw(byte* w, nint rowBytes, int nb, bool five, byte* x, float* y)
    {
        if (five)
        {
            Rows5(w, rowBytes, nb, x, y);
        }
        else
        {
            Rows4(w, rowBytes, nb, x, y);
        }
    }

    /// <summary>
    /// The four rows one after another (one stream at a time, as the matrix-vector kernels read): per row one chain over
    /// the quads, the scales of each 16 whole blocks widened at once and spread per quad, a last partial group's per quad.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4(byte* w, nint rowBytes, int nb, byte* x, float* y)
    {
        Vector512<byte> gather = Q4MatVec512.GatherQuad;
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<ushort> one = Vector512.Create((ushort)0, 9, 18, 27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<int> spread = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        Vector512<int> four = Vector512.Create(4);
        int quads = (nb + 3) / 4;
        for (int t = 0; t < 4; t++, w += rowBytes)
        {
            Vector512<float> acc = default;
            byte* a = x;
            int qd = 0;
            for (; (4 * qd) + 16 <= nb; qd += 4)
            {
                byte* q = w + (qd * 72);
                Vector512<float> d16 = HalfScales512.Stride18(q);
                Vector512<int> index = spread;
                for (int k = 0; k < 4; k++, q += 72, a += QuadBytes, index += four)
                {
                    Sse.Prefetch0(q + StreamPrefetch.Ahead);
                    Sse.Prefetch0(q + StreamPrefetch.Ahead + 64);
                    Split(q, gather, low, out Vector512<byte> lo, out Vector512<byte> hi);
                    acc = Pair(lo, hi, a, Avx512F.PermuteVar16x32(d16, index), acc);
                }
            }

            for (; qd < quads; qd++, a += QuadBytes)
            {
                byte* q = w + (qd * 72);
                Vector512<ushort> h = Avx512BW.PermuteVar32x16(Vector512.Load((ushort*)q), one);
                Vector512<float> d = Avx512F.PermuteVar16x32(Scales(h, nb - (4 * qd)), spread);
                Split(q, gather, low, out Vector512<byte> lo, out Vector512<byte> hi);
                acc = Pair(lo, hi, a, d, acc);
            }

            y[t] = Reduce512.Sum(acc);
        }
    }

    /// <summary>As <see cref="Rows4"/> for Q5_0: the scales of four quads gathered into one vector and widened at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows5(byte* w, nint rowBytes, int nb, byte* x, float* y)
    {
        // The scales of a quad sit at bytes 0, 22, 44 of the load at q and 66 (42 of the load at q + 24): a quad's four
        // into words 0–3, two quads' into 0–7, then four quads'.
        Vector512<ushort> one = Vector512.Create((ushort)0, 11, 22, 53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> two = Vector512.Create((ushort)0, 1, 2, 3, 32, 33, 34, 35, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> merge = Merge;
        Vector512<int> spread = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        Vector512<int> four = Vector512.Create(4);
        int quads = (nb + 3) / 4;
        for (int t = 0; t < 4; t++, w += rowBytes)
        {
            Vector512<float> acc = default;
            byte* a = x;
            int qd = 0;
            for (; (4 * qd) + 16 <= nb; qd += 4)
            {
                byte* q = w + (qd * 88);
                Vector512<ushort> h = Avx512BW.PermuteVar32x16x2(
                    Avx512BW.PermuteVar32x16x2(Halves(q, one), two, Halves(q + 88, one)), merge,
                    Avx512BW.PermuteVar32x16x2(Halves(q + 176, one), two, Halves(q + 264, one)));
                Vector512<float> d16 = Scales(h, 4);
                Vector512<int> index = spread;
                for (int k = 0; k < 4; k++, q += 88, a += QuadBytes, index += four)
                {
                    Sse.Prefetch0(q + StreamPrefetch.Ahead);
                    Sse.Prefetch0(q + StreamPrefetch.Ahead + 64);
                    Split5(q, out Vector512<byte> lo, out Vector512<byte> hi);
                    acc = Pair(lo, hi, a, Avx512F.PermuteVar16x32(d16, index), acc);
                }
            }

            for (; qd < quads; qd++, a += QuadBytes)
            {
                byte* q = w + (qd * 88);
                Vector512<float> d = Avx512F.PermuteVar16x32(Scales(Halves(q, one), nb - (4 * qd)), spread);
                Split5(q, out Vector512<byte> lo, out Vector512<byte> hi);
                acc = Pair(lo, hi, a, d, acc);
            }

            y[t] = Reduce512.Sum(acc);
        }
    }

    /// <summary>vpermt2w index: words 0–7 of the first source, then words 0–7 of the second.</summary>
    private static Vector512<ushort> Merge
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7, 32, 33, 34, 35, 36, 37, 38, 39,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>The four scale halves of the Q5_0 quad at q in words 0–3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Halves(byte* q, Vector512<ushort> index) =>
        Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)q), index, Vector512.Load((ushort*)(q + 24)));

    /// <summary>
    /// Words 0–15 of h as f32 (word 4·k + i: block i of quad k); in each four, blocks from <paramref name="blocks"/> on
    /// are zero (ExpandScales' padding of a last partial quad).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Scales(Vector512<ushort> h, int blocks)
    {
        Vector512<float> d = FloatDots.HalfToSingleSigned(Avx512F.ConvertToVector512Int32(h.GetLower().AsInt16()));
        return blocks >= 4 ? d : Vector512.ConditionalSelect(
            Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), Vector512.Create(blocks)).AsSingle(),
            d, Vector512<float>.Zero);
    }

    /// <summary><see cref="Pair(Vector512{byte}, Vector512{byte}, byte*, float*, Vector512{float})"/> with the expanded weight scales in a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(Vector512<byte> lo, Vector512<byte> hi, byte* a, Vector512<float> dw, Vector512<float> acc)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(lo, Vector512.Load((sbyte*)a))
            + Avx512BW.MultiplyAddAdjacent(hi, Vector512.Load((sbyte*)(a + 64)));
        Vector512<int> s = Avx512BW.MultiplyAddAdjacent(p, Vector512.Create((short)1)) + Vector512.Load((int*)(a + 128));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), dw * Vector512.Load((float*)(a + 192)), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split(byte* w, Vector512<byte> gather, Vector512<byte> low, out Vector512<byte> lo, out Vector512<byte> hi)
    {
        Vector512<byte> v = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(w), gather, Vector512.Load(w + 8));
        lo = v & low;
        hi = Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low;
    }

    /// <summary>acc + (dw·dy) · (Σ q·y − 8·Σy) per lane for one weight quad (lo, hi) and the prepared quad at a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(Vector512<byte> lo, Vector512<byte> hi, byte* a, float* dw, Vector512<float> acc)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(lo, Vector512.Load((sbyte*)a))
            + Avx512BW.MultiplyAddAdjacent(hi, Vector512.Load((sbyte*)(a + 64)));
        Vector512<int> s = Avx512BW.MultiplyAddAdjacent(p, Vector512.Create((short)1)) + Vector512.Load((int*)(a + 128));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), Vector512.Load(dw) * Vector512.Load((float*)(a + 192)), acc);
    }
}
