// AVX-512 register-tiled integer GEMM micro-kernels (tinyBLAS-style): 4 Q8_0/Q4_0/Q5_0 weight rows × 4 Q8_0 activation rows.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// 4 × 4 tiles of row dots for MatMulInt8 prefill. A step covers blocks b and b+1 with their 32-bit groups interleaved
/// (even int32 lanes: block b, odd: block b+1) on both sides, so every block's integer sum is exact and the scale pair
/// (d_b, d_b+1) is one 64-bit broadcast. Each weight block is loaded once per tile row and each activation block once
/// per tile column; 16 f32 accumulators. Scales come pre-converted: <c>dw</c> holds the 4 rows' block scales
/// (row t at dw + t·nbPad), <c>dx</c> the 4 columns' (column j at dx + j·nbPad). Requires AVX-512 F/BW.
/// </summary>
internal static unsafe class IntTile512
{
    /// <summary>Rows and columns of one tile.</summary>
    public const int Tile = 4;

    /// <summary>y[j·yStride + t] = Σ_b dw·dx·(Σ w·x) for 4 Q8_0 weight rows (stride rowBytes) and 4 Q8_0 activation rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q8_0<TRows>(byte* w, nint rowBytes, float* dw, byte* x, nint xRowBytes, float* dx, int nbPad, int nb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        int b = 0;
        for (; b + 2 <= nb; b += 2)
        {
            nint o = b * 34;
            Vector512<sbyte> w0 = Inter(w + o + 2, idx), w1 = Inter(w + rowBytes + o + 2, idx);
            Vector512<sbyte> w2 = Inter(w + (2 * rowBytes) + o + 2, idx), w3 = Inter(w + (3 * rowBytes) + o + 2, idx);
            Vector512<sbyte> a0 = Avx512BW.Abs(w0).AsSByte(), a1 = Avx512BW.Abs(w1).AsSByte();
            Vector512<sbyte> a2 = Avx512BW.Abs(w2).AsSByte(), a3 = Avx512BW.Abs(w3).AsSByte();
            Vector512<float> s0 = Pair(dw + b), s1 = Pair(dw + nbPad + b), s2 = Pair(dw + (2 * nbPad) + b), s3 = Pair(dw + (3 * nbPad) + b);

            Vector512<sbyte> v = Inter(x + o + 2, idx);
            Vector512<sbyte> nv = Vector512<sbyte>.Zero - v;
            Vector512<float> sx = Pair(dx + b);
            c00 = Signed(a0, w0, v, nv, s0 * sx, c00);
            c10 = Signed(a1, w1, v, nv, s1 * sx, c10);
            c20 = Signed(a2, w2, v, nv, s2 * sx, c20);
            c30 = Signed(a3, w3, v, nv, s3 * sx, c30);

            if (TRows.Count == 1)
            {
                continue;
            }

            v = Inter(x + xRowBytes + o + 2, idx);
            nv = Vector512<sbyte>.Zero - v;
            sx = Pair(dx + nbPad + b);
            c01 = Signed(a0, w0, v, nv, s0 * sx, c01);
            c11 = Signed(a1, w1, v, nv, s1 * sx, c11);
            c21 = Signed(a2, w2, v, nv, s2 * sx, c21);
            c31 = Signed(a3, w3, v, nv, s3 * sx, c31);

            v = Inter(x + (2 * xRowBytes) + o + 2, idx);
            nv = Vector512<sbyte>.Zero - v;
            sx = Pair(dx + (2 * nbPad) + b);
            c02 = Signed(a0, w0, v, nv, s0 * sx, c02);
            c12 = Signed(a1, w1, v, nv, s1 * sx, c12);
            c22 = Signed(a2, w2, v, nv, s2 * sx, c22);
            c32 = Signed(a3, w3, v, nv, s3 * sx, c32);

            v = Inter(x + (3 * xRowBytes) + o + 2, idx);
            nv = Vector512<sbyte>.Zero - v;
            sx = Pair(dx + (3 * nbPad) + b);
            c03 = Signed(a0, w0, v, nv, s0 * sx, c03);
            c13 = Signed(a1, w1, v, nv, s1 * sx, c13);
            c23 = Signed(a2, w2, v, nv, s2 * sx, c23);
            c33 = Signed(a3, w3, v, nv, s3 * sx, c33);
        }

        TileRows.Store<TRows>(Reduce512.Sum4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33), y, yStride);
        if (b < nb)
        {
            nint o = b * 34;
            for (int j = 0; j < TRows.Count; j++)
            {
                for (int t = 0; t < Tile; t++)
                {
                    y[(j * yStride) + t] += Vector256.Sum(IntDots256.BlockQ8_0(w + (t * rowBytes) + o, x + (j * xRowBytes) + o, Vector256<float>.Zero));
                }
            }
        }
    }

    /// <summary>As <see cref="Q8_0{TRows}"/> for 4 Q4_0 weight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q4_0<TRows>(byte* w, nint rowBytes, float* dw, byte* x, nint xRowBytes, float* dx, int nbPad, int nb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<int> idx4 = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 0, 16, 1, 17, 2, 18, 3, 19);
        Vector512<ushort> counts = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, (ushort)4);
        Vector512<byte> eight = Vector512.Create((byte)8);
        int b = 0;
        for (; b + 2 <= nb; b += 2)
        {
            nint o = b * 18, ox = b * 34;
            Vector512<byte> q0 = Nibbles(w + o + 2, idx4, counts), q1 = Nibbles(w + rowBytes + o + 2, idx4, counts);
            Vector512<byte> q2 = Nibbles(w + (2 * rowBytes) + o + 2, idx4, counts), q3 = Nibbles(w + (3 * rowBytes) + o + 2, idx4, counts);
            Vector512<float> s0 = Pair(dw + b), s1 = Pair(dw + nbPad + b), s2 = Pair(dw + (2 * nbPad) + b), s3 = Pair(dw + (3 * nbPad) + b);

            Vector512<sbyte> v = Inter(x + ox + 2, idx);
            Vector512<short> m = Avx512BW.MultiplyAddAdjacent(eight, v);
            Vector512<float> sx = Pair(dx + b);
            c00 = Offset(q0, v, m, s0 * sx, c00);
            c10 = Offset(q1, v, m, s1 * sx, c10);
            c20 = Offset(q2, v, m, s2 * sx, c20);
            c30 = Offset(q3, v, m, s3 * sx, c30);

            if (TRows.Count == 1)
            {
                continue;
            }

            v = Inter(x + xRowBytes + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(eight, v);
            sx = Pair(dx + nbPad + b);
            c01 = Offset(q0, v, m, s0 * sx, c01);
            c11 = Offset(q1, v, m, s1 * sx, c11);
            c21 = Offset(q2, v, m, s2 * sx, c21);
            c31 = Offset(q3, v, m, s3 * sx, c31);

            v = Inter(x + (2 * xRowBytes) + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(eight, v);
            sx = Pair(dx + (2 * nbPad) + b);
            c02 = Offset(q0, v, m, s0 * sx, c02);
            c12 = Offset(q1, v, m, s1 * sx, c12);
            c22 = Offset(q2, v, m, s2 * sx, c22);
            c32 = Offset(q3, v, m, s3 * sx, c32);

            v = Inter(x + (3 * xRowBytes) + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(eight, v);
            sx = Pair(dx + (3 * nbPad) + b);
            c03 = Offset(q0, v, m, s0 * sx, c03);
            c13 = Offset(q1, v, m, s1 * sx, c13);
            c23 = Offset(q2, v, m, s2 * sx, c23);
            c33 = Offset(q3, v, m, s3 * sx, c33);
        }

        TileRows.Store<TRows>(Reduce512.Sum4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33), y, yStride);
        if (b < nb)
        {
            for (int j = 0; j < TRows.Count; j++)
            {
                for (int t = 0; t < Tile; t++)
                {
                    y[(j * yStride) + t] += Vector256.Sum(
                        IntDots256.BlockQ4_0(w + (t * rowBytes) + (b * 18), x + (j * xRowBytes) + (b * 34), Vector256<float>.Zero));
                }
            }
        }
    }

    /// <summary>
    /// As <see cref="Q8_0{TRows}"/> for 4 Q5_0 weight rows: each row's block pair is decoded to levels 0–31 once (nibbles | qh bit
    /// &lt;&lt; 4, interleaved like <see cref="Inter"/>) and reused for the 4 activation rows; Σ (q − 16)·v is exact in int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q5_0<TRows>(byte* w, nint rowBytes, float* dw, byte* x, nint xRowBytes, float* dx, int nbPad, int nb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<int> idx5 = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
        Vector512<byte> sixteen = Vector512.Create((byte)16);
        int b = 0;
        for (; b + 2 <= nb; b += 2)
        {
            nint o = b * 22, ox = b * 34;
            Vector512<byte> q0 = Levels5(w + o, idx5), q1 = Levels5(w + rowBytes + o, idx5);
            Vector512<byte> q2 = Levels5(w + (2 * rowBytes) + o, idx5), q3 = Levels5(w + (3 * rowBytes) + o, idx5);
            Vector512<float> s0 = Pair(dw + b), s1 = Pair(dw + nbPad + b), s2 = Pair(dw + (2 * nbPad) + b), s3 = Pair(dw + (3 * nbPad) + b);

            Vector512<sbyte> v = Inter(x + ox + 2, idx);
            Vector512<short> m = Avx512BW.MultiplyAddAdjacent(sixteen, v);
            Vector512<float> sx = Pair(dx + b);
            c00 = Offset(q0, v, m, s0 * sx, c00);
            c10 = Offset(q1, v, m, s1 * sx, c10);
            c20 = Offset(q2, v, m, s2 * sx, c20);
            c30 = Offset(q3, v, m, s3 * sx, c30);

            if (TRows.Count == 1)
            {
                continue;
            }

            v = Inter(x + xRowBytes + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(sixteen, v);
            sx = Pair(dx + nbPad + b);
            c01 = Offset(q0, v, m, s0 * sx, c01);
            c11 = Offset(q1, v, m, s1 * sx, c11);
            c21 = Offset(q2, v, m, s2 * sx, c21);
            c31 = Offset(q3, v, m, s3 * sx, c31);

            v = Inter(x + (2 * xRowBytes) + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(sixteen, v);
            sx = Pair(dx + (2 * nbPad) + b);
            c02 = Offset(q0, v, m, s0 * sx, c02);
            c12 = Offset(q1, v, m, s1 * sx, c12);
            c22 = Offset(q2, v, m, s2 * sx, c22);
            c32 = Offset(q3, v, m, s3 * sx, c32);

            v = Inter(x + (3 * xRowBytes) + ox + 2, idx);
            m = Avx512BW.MultiplyAddAdjacent(sixteen, v);
            sx = Pair(dx + (3 * nbPad) + b);
            c03 = Offset(q0, v, m, s0 * sx, c03);
            c13 = Offset(q1, v, m, s1 * sx, c13);
            c23 = Offset(q2, v, m, s2 * sx, c23);
            c33 = Offset(q3, v, m, s3 * sx, c33);
        }

        TileRows.Store<TRows>(Reduce512.Sum4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33), y, yStride);
        if (b < nb)
        {
            for (int j = 0; j < TRows.Count; j++)
            {
                for (int t = 0; t < Tile; t++)
                {
                    y[(j * yStride) + t] += Vector256.Sum(
                        IntDots256.BlockQ5_0(w + (t * rowBytes) + (b * 22), x + (j * xRowBytes) + (b * 34), Vector256<float>.Zero));
                }
            }
        }
    }

    /// <summary>Levels 0–31 of the Q5_0 blocks at p and p + 22 in the interleaved element order of <see cref="Inter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Levels5(byte* p, Vector512<int> idx5) =>
        Avx512F.PermuteVar16x32(IntDots512.Q5(p, 22).AsInt32(), idx5).AsByte();

    /// <summary>The 32 bytes at p and the 32 at p + 34 (the next Q8_0 block), 32-bit groups interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<sbyte> Inter(byte* p, Vector512<int> idx) => Avx512F.PermuteVar16x32x2(
        Vector256.Load<int>((int*)p).ToVector512Unsafe(), idx, Vector256.Load<int>((int*)(p + 34)).ToVector512Unsafe()).AsSByte();

    /// <summary>Levels 0–15 of the Q4_0 quants at p and p + 18 in the interleaved element order of <see cref="Inter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Nibbles(byte* p, Vector512<int> idx4, Vector512<ushort> counts)
    {
        Vector512<int> v = Avx512F.PermuteVar16x32x2(
            Vector128.Load((int*)p).ToVector256Unsafe().ToVector512Unsafe(), idx4, Vector128.Load((int*)(p + 18)).ToVector256Unsafe().ToVector512Unsafe());
        return Avx512BW.ShiftRightLogicalVariable(v.AsUInt16(), counts).AsByte() & Vector512.Create((byte)0x0F);
    }

    /// <summary>[d_b, d_b+1] × 8 interleaved: one 64-bit broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(float* d) => Vector512.Create(*(double*)d).AsSingle();

    /// <summary>acc + s·Σ w·v per lane, with a = |w| and nv = −v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Signed(Vector512<sbyte> a, Vector512<sbyte> w, Vector512<sbyte> v, Vector512<sbyte> nv, Vector512<float> s, Vector512<float> acc)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(a.AsByte(), Avx512BW.BlendVariable(v, nv, w));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Avx512BW.MultiplyAddAdjacent(p, Vector512.Create((short)1))), s, acc);
    }

    /// <summary>acc + s·Σ (q − 8)·v per lane, with m = maddubs(8, v).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Offset(Vector512<byte> q, Vector512<sbyte> v, Vector512<short> m, Vector512<float> s, Vector512<float> acc)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(q, v) - m;
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Avx512BW.MultiplyAddAdjacent(p, Vector512.Create((short)1))), s, acc);
    }
}
