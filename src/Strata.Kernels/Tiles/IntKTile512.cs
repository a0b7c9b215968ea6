// AVX-512 register-tiled integer GEMM for K-quant weights: 4 Q4_K weight rows × 4 Q8_K activation rows.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// 4 × 4 tiles of Q4_K · Q8_K row dots for MatMulInt8 prefill. Per 256-element super-block each weight row's nibbles and
/// 6-bit scales/mins are decoded once and each activation group loaded once per tile column; the 16 pairs' scaled
/// sub-block sums accumulate exactly in int32 (vpmaddubsw, then vpmaddwd with the scales), the minima term comes from
/// the activation block sums (vpmaddwd), both are reduced across lanes to one int32 per pair (pair p = 4·j + t in lane
/// p), and two f32 FMAs per super-block apply d·dy and dmin·dy. Requires AVX-512 F/BW. The same tiles over tile rows
/// decoded once per product are in IntKTile512.Prepared.cs.
/// </summary>
internal static unsafe partial class IntKTile512
{
    /// <summary>Rows and columns of one tile.</summary>
    public const int Tile = 4;

    /// <summary>y[j·yStride + t] = row t · column j for 4 Q4_K rows (stride rowBytes) and 4 Q8_K rows, nsb super-blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q4K<TRows>(byte* w, nint rowBytes, byte* x, nint xRowBytes, int nsb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> acc = Vector512<float>.Zero, accMin = Vector512<float>.Zero;
        Vector512<ushort> shift = Vector512.Create(Vector256.Create((ushort)0), Vector256.Create((ushort)4));
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        Vector512<int> dyIndex = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        byte* w1 = w + rowBytes, w2 = w + (2 * rowBytes), w3 = w + (3 * rowBytes);
        byte* x1 = x + xRowBytes, x2 = x + (2 * xRowBytes), x3 = x + (3 * xRowBytes);
        for (int b = 0; b < nsb; b++)
        {
            nint o = b * 144, ox = b * ActivationQuant.Q8KBlockBytes;
            KQuantScales.UnpackK4(w + o + 4, out ulong sc0, out ulong mn0);
            KQuantScales.UnpackK4(w1 + o + 4, out ulong sc1, out ulong mn1);
            KQuantScales.UnpackK4(w2 + o + 4, out ulong sc2, out ulong mn2);
            KQuantScales.UnpackK4(w3 + o + 4, out ulong sc3, out ulong mn3);
            Vector512<short> s0 = Widen(sc0), s1 = Widen(sc1), s2 = Widen(sc2), s3 = Widen(sc3);

            Vector512<int> i00 = default, i01 = default, i02 = default, i03 = default;
            Vector512<int> i10 = default, i11 = default, i12 = default, i13 = default;
            Vector512<int> i20 = default, i21 = default, i22 = default, i23 = default;
            Vector512<int> i30 = default, i31 = default, i32 = default, i33 = default;
            for (int g = 0; g < 4; g++)
            {
                nint oq = o + 16 + (32 * g);
                Vector512<byte> q0 = Nibbles(w + oq, shift, m4), q1 = Nibbles(w1 + oq, shift, m4);
                Vector512<byte> q2 = Nibbles(w2 + oq, shift, m4), q3 = Nibbles(w3 + oq, shift, m4);
                Vector512<short> index = Vector512.Create(Vector256.Create((short)(2 * g)), Vector256.Create((short)((2 * g) + 1)));
                Vector512<short> e0 = Avx512BW.PermuteVar32x16(s0, index), e1 = Avx512BW.PermuteVar32x16(s1, index);
                Vector512<short> e2 = Avx512BW.PermuteVar32x16(s2, index), e3 = Avx512BW.PermuteVar32x16(s3, index);
                nint oy = ox + 4 + (64 * g);

                Vector512<sbyte> v = Vector512.Load((sbyte*)(x + oy));
                i00 += Dot(q0, v, e0);
                i01 += Dot(q1, v, e1);
                i02 += Dot(q2, v, e2);
                i03 += Dot(q3, v, e3);
                if (TRows.Count > 1)
                {
                    v = Vector512.Load((sbyte*)(x1 + oy));
                    i10 += Dot(q0, v, e0);
                    i11 += Dot(q1, v, e1);
                    i12 += Dot(q2, v, e2);
                    i13 += Dot(q3, v, e3);
                }
                if (TRows.Count > 2)
                {
                    v = Vector512.Load((sbyte*)(x2 + oy));
                    i20 += Dot(q0, v, e0);
                    i21 += Dot(q1, v, e1);
                    i22 += Dot(q2, v, e2);
                    i23 += Dot(q3, v, e3);
                }
                if (TRows.Count > 3)
                {
                    v = Vector512.Load((sbyte*)(x3 + oy));
                    i30 += Dot(q0, v, e0);
                    i31 += Dot(q1, v, e1);
                    i32 += Dot(q2, v, e2);
                    i33 += Dot(q3, v, e3);
                }
            }

            // Lane p = 4·j + t: Σ_s sc_t,s · Σ q·y over sub-block s of column j (exact int32).
            Vector512<int> sum = Fold(
                Fold(Fold(Fold(i00, i01, even, odd), Fold(i02, i03, even, odd), even, odd),
                    Fold(Fold(i10, i11, even, odd), Fold(i12, i13, even, odd), even, odd), even, odd),
                Fold(Fold(Fold(i20, i21, even, odd), Fold(i22, i23, even, odd), even, odd),
                    Fold(Fold(i30, i31, even, odd), Fold(i32, i33, even, odd), even, odd), even, odd),
                even, odd);

            // Minima: rows 0–1 and 2–3 with each min doubled, against the 16 block sums of column j.
            Vector512<short> mLo = DoubledMins(mn0, mn1), mHi = DoubledMins(mn2, mn3);
            Vector512<int> min = Fold(
                Fold(Mins(mLo, mHi, x + ox, even, odd), (TRows.Count > 1 ? Mins(mLo, mHi, x1 + ox, even, odd) : default), even, odd),
                Fold((TRows.Count > 2 ? Mins(mLo, mHi, x2 + ox, even, odd) : default), (TRows.Count > 3 ? Mins(mLo, mHi, x3 + ox, even, odd) : default), even, odd),
                even, odd);

            Vector128<float> d4 = Vector128.Create(HalfScale.Read(w + o), HalfScale.Read(w1 + o), HalfScale.Read(w2 + o), HalfScale.Read(w3 + o));
            Vector128<float> m4f = Vector128.Create(HalfScale.Read(w + o + 2), HalfScale.Read(w1 + o + 2), HalfScale.Read(w2 + o + 2), HalfScale.Read(w3 + o + 2));
            Vector128<float> dy4 = Vector128.Create(*(float*)(x + ox), TRows.Count > 1 ? *(float*)(x1 + ox) : 0, TRows.Count > 2 ? *(float*)(x2 + ox) : 0, TRows.Count > 3 ? *(float*)(x3 + ox) : 0);
            Vector512<float> dy = Avx512F.PermuteVar16x32(dy4.ToVector256Unsafe().ToVector512Unsafe(), dyIndex);
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum), Quad(d4) * dy, acc);
            accMin = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(min), Quad(m4f) * dy, accMin);
        }

        Vector512<float> r = acc - accMin;
        TileRows.Store<TRows>(r, y, yStride);
    }

    /// <summary>
    /// One activation row against 4 Q4_K rows, exactly a row of <see cref="Q4K{TRows}"/>'s tile: x is the row prepared for
    /// <see cref="Q4KMatVec512"/> (the tile's folds cost more than they save for one row).
    /// </summary>
    public static void Q4KPreparedRow(byte* w, nint rowBytes, byte* x, nint xRowBytes, int nsb, float* y, nint yStride)
    {
        for (int t = 0; t < Tile; t++)
        {
            y[t] = Q4KMatVec512.DotTileRow(w + (t * rowBytes), x, nsb);
        }
    }

    /// <summary>As <see cref="Q4K"/> for 4 Q6_K rows: Σ sc·q·y − 32·Σ sc·bsum in int32, one FMA with d·dy per super-block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q6K<TRows>(byte* w, nint rowBytes, byte* x, nint xRowBytes, int nsb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        if (TRows.Count == 1)
        {
            for (int t = 0; t < Tile; t++)
            {
                y[t] = IntKDots512.Q6KTileRow(w + (t * rowBytes), x, nsb);
            }

            return;
        }

        Vector512<float> acc = Vector512<float>.Zero;
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector512<byte> m30 = Vector512.Create((byte)0x30);
        Vector512<ushort> upLeft = Vector512.Create(Vector256.Create((ushort)4), Vector256.Create((ushort)2));
        Vector512<ushort> upRight = Vector512.Create(Vector256.Create((ushort)0), Vector256.Create((ushort)2));
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        Vector512<int> dyIndex = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        byte* w1 = w + rowBytes, w2 = w + (2 * rowBytes), w3 = w + (3 * rowBytes);
        byte* x1 = x + xRowBytes, x2 = x + (2 * xRowBytes), x3 = x + (3 * xRowBytes);
        for (int b = 0; b < nsb; b++)
        {
            nint o = b * 210, ox = b * ActivationQuant.Q8KBlockBytes;
            Vector128<sbyte> c0 = Vector128.Load((sbyte*)(w + o + 192)), c1 = Vector128.Load((sbyte*)(w1 + o + 192));
            Vector128<sbyte> c2 = Vector128.Load((sbyte*)(w2 + o + 192)), c3 = Vector128.Load((sbyte*)(w3 + o + 192));
            Vector512<short> s0 = Avx2.ConvertToVector256Int16(c0).ToVector512Unsafe(), s1 = Avx2.ConvertToVector256Int16(c1).ToVector512Unsafe();
            Vector512<short> s2 = Avx2.ConvertToVector256Int16(c2).ToVector512Unsafe(), s3 = Avx2.ConvertToVector256Int16(c3).ToVector512Unsafe();

            Vector512<int> i00 = default, i01 = default, i02 = default, i03 = default;
            Vector512<int> i10 = default, i11 = default, i12 = default, i13 = default;
            Vector512<int> i20 = default, i21 = default, i22 = default, i23 = default;
            Vector512<int> i30 = default, i31 = default, i32 = default, i33 = default;
            for (int k = 0; k < 4; k++)
            {
                nint oq = o + (64 * (k >> 1)), oh = o + 128 + (32 * (k >> 1));
                Vector512<byte> q0 = Six(w + oq, w + oh, k, m4, m30, upLeft, upRight), q1 = Six(w1 + oq, w1 + oh, k, m4, m30, upLeft, upRight);
                Vector512<byte> q2 = Six(w2 + oq, w2 + oh, k, m4, m30, upLeft, upRight), q3 = Six(w3 + oq, w3 + oh, k, m4, m30, upLeft, upRight);
                Vector512<short> index = Vector512.Create(
                    Vector256.Create(Vector128.Create((short)(4 * k)), Vector128.Create((short)((4 * k) + 1))),
                    Vector256.Create(Vector128.Create((short)((4 * k) + 2)), Vector128.Create((short)((4 * k) + 3))));
                Vector512<short> e0 = Avx512BW.PermuteVar32x16(s0, index), e1 = Avx512BW.PermuteVar32x16(s1, index);
                Vector512<short> e2 = Avx512BW.PermuteVar32x16(s2, index), e3 = Avx512BW.PermuteVar32x16(s3, index);
                nint oy = ox + 4 + (64 * k);

                Vector512<sbyte> v = Vector512.Load((sbyte*)(x + oy));
                i00 += Dot(q0, v, e0);
                i01 += Dot(q1, v, e1);
                i02 += Dot(q2, v, e2);
                i03 += Dot(q3, v, e3);
                if (TRows.Count > 1)
                {
                    v = Vector512.Load((sbyte*)(x1 + oy));
                    i10 += Dot(q0, v, e0);
                    i11 += Dot(q1, v, e1);
                    i12 += Dot(q2, v, e2);
                    i13 += Dot(q3, v, e3);
                }
                if (TRows.Count > 2)
                {
                    v = Vector512.Load((sbyte*)(x2 + oy));
                    i20 += Dot(q0, v, e0);
                    i21 += Dot(q1, v, e1);
                    i22 += Dot(q2, v, e2);
                    i23 += Dot(q3, v, e3);
                }
                if (TRows.Count > 3)
                {
                    v = Vector512.Load((sbyte*)(x3 + oy));
                    i30 += Dot(q0, v, e0);
                    i31 += Dot(q1, v, e1);
                    i32 += Dot(q2, v, e2);
                    i33 += Dot(q3, v, e3);
                }
            }

            Vector512<int> sum = Fold(
                Fold(Fold(Fold(i00, i01, even, odd), Fold(i02, i03, even, odd), even, odd),
                    Fold(Fold(i10, i11, even, odd), Fold(i12, i13, even, odd), even, odd), even, odd),
                Fold(Fold(Fold(i20, i21, even, odd), Fold(i22, i23, even, odd), even, odd),
                    Fold(Fold(i30, i31, even, odd), Fold(i32, i33, even, odd), even, odd), even, odd),
                even, odd);

            // Offset: Σ sc·bsum per pair (rows 0–1 and 2–3 against the 16 block sums of column j).
            Vector512<short> sLo = Avx512BW.ConvertToVector512Int16(Vector256.Create(c0, c1));
            Vector512<short> sHi = Avx512BW.ConvertToVector512Int16(Vector256.Create(c2, c3));
            Vector512<int> off = Fold(
                Fold(Mins(sLo, sHi, x + ox, even, odd), (TRows.Count > 1 ? Mins(sLo, sHi, x1 + ox, even, odd) : default), even, odd),
                Fold((TRows.Count > 2 ? Mins(sLo, sHi, x2 + ox, even, odd) : default), (TRows.Count > 3 ? Mins(sLo, sHi, x3 + ox, even, odd) : default), even, odd),
                even, odd);

            Vector128<float> d4 = Vector128.Create(HalfScale.Read(w + o + 208), HalfScale.Read(w1 + o + 208), HalfScale.Read(w2 + o + 208), HalfScale.Read(w3 + o + 208));
            Vector128<float> dy4 = Vector128.Create(*(float*)(x + ox), TRows.Count > 1 ? *(float*)(x1 + ox) : 0, TRows.Count > 2 ? *(float*)(x2 + ox) : 0, TRows.Count > 3 ? *(float*)(x3 + ox) : 0);
            Vector512<float> dy = Avx512F.PermuteVar16x32(dy4.ToVector256Unsafe().ToVector512Unsafe(), dyIndex);
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum - (off << 5)), Quad(d4) * dy, acc);
        }

        TileRows.Store<TRows>(acc, y, yStride);
    }

    /// <summary>Q6_K levels 0–63 of elements 64·k … 64·k+63 of a super-block (ql at ql, the matching 32 qh bytes at qh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Six(byte* ql, byte* qh, int k, Vector512<byte> m4, Vector512<byte> m30,
        Vector512<ushort> upLeft, Vector512<ushort> upRight)
    {
        Vector512<byte> l = Vector512.Load(ql);
        Vector256<byte> h256 = Vector256.Load(qh);
        Vector512<ushort> h = Vector512.Create(h256, h256).AsUInt16();
        return (k & 1) == 0
            ? (l & m4) | (Avx512BW.ShiftLeftLogicalVariable(h, upLeft).AsByte() & m30)
            : (Vector512.ShiftRightLogical(l.AsUInt16(), 4).AsByte() & m4) | (Avx512BW.ShiftRightLogicalVariable(h, upRight).AsByte() & m30);
    }

    /// <summary>v in all four 128-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector128<float> v)
    {
        Vector256<float> h = Vector256.Create(v, v);
        return Vector512.Create(h, h);
    }

    /// <summary>Scaled sums of sub-blocks 2g (lanes 0–7) and 2g+1 (lanes 8–15): 16 int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Dot(Vector512<byte> q, Vector512<sbyte> v, Vector512<short> scales) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q, v), scales);

    /// <summary>Lanes 0–7: adjacent pair sums of a; lanes 8–15: of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Fold(Vector512<int> a, Vector512<int> b, Vector512<int> even, Vector512<int> odd) =>
        Avx512F.PermuteVar16x32x2(a, even, b) + Avx512F.PermuteVar16x32x2(a, odd, b);

    /// <summary>Rows 0–3 · block sums of the activation block at x: four lanes per row (row t in lanes 4t…4t+3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Mins(Vector512<short> lo, Vector512<short> hi, byte* x, Vector512<int> even, Vector512<int> odd)
    {
        Vector256<short> s = Vector256.Load((short*)(x + 260));
        Vector512<short> bs = Vector512.Create(s, s);
        return Fold(Avx512BW.MultiplyAddAdjacent(lo, bs), Avx512BW.MultiplyAddAdjacent(hi, bs), even, odd);
    }

    /// <summary>int16 [a0, a0, a1, a1, …, a7, a7, b0, b0, …, b7, b7] of the min bytes of two rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> DoubledMins(ulong a, ulong b)
    {
        Vector128<byte> v = Vector128.Create(a, b).AsByte();
        return Avx512BW.ConvertToVector512Int16(Vector256.Create(Sse2.UnpackLow(v, v), Sse2.UnpackHigh(v, v))).AsInt16();
    }

    /// <summary>The 8 scale bytes as int16 lanes 0–7 (vpermw source).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Widen(ulong scales) =>
        Avx2.ConvertToVector256Int16(Vector128.CreateScalar(scales).AsByte()).AsInt16().ToVector512Unsafe();

    /// <summary>The 32 bytes at q, low nibbles in lanes 0–31 and high nibbles in lanes 32–63.</summary>
    /// <remarks>Not Avx512F.BroadcastVector256ToVector512 (see IntKDots512.Both).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Nibbles(byte* q, Vector512<ushort> shift, Vector512<byte> m4)
    {
        Vector256<byte> v = Vector256.Load(q);
        return Avx512BW.ShiftRightLogicalVariable(Vector512.Create(v, v).AsUInt16(), shift).AsByte() & m4;
    }
}
