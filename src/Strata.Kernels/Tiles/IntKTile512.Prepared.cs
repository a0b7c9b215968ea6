// The K-quant tiles over weight tile rows decoded once per product: every activation tile of a batch reads the decoded
// levels and scales instead of decoding them again.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <remarks>
/// <see cref="Q4KPrepared{TRows}"/> and <see cref="Q6KPrepared{TRows}"/> repeat the raw tiles' loops with loads in
/// place of the decoding, on purpose: one body over a generic weight-rows source (raw or decoded, returning a struct per
/// super-block) measured 4–20 % slower in both (Strata.Bench kernels, Q4_K/Q6_K 2048 wide, 4 and 64 rows, alternating).
/// </remarks>
internal static unsafe partial class IntKTile512
{
    /// <summary>Bytes <see cref="PrepareQ4K"/> writes per super-block of a tile row.</summary>
    public const int PreparedQ4KBytes = 1248;

    /// <summary>
    /// Decodes the 4 Q4_K rows at w (rowBytes apart, nsb super-blocks) once for every activation tile of a batch: per
    /// super-block, at dst + b·<see cref="PreparedQ4KBytes"/>, the nibble vectors of group g and row t (64 B each at
    /// 64·(4g + t)), the rows' scales as int16 (16 B each at 1024 + 16·t), the doubled minima of rows 0–1 and 2–3 (64 B at
    /// 1088 and 1152), then d and dmin of the four rows as f32 (at 1216 and 1232): what <see cref="Q4K{TRows}"/> computes
    /// from the raw rows in every tile, so <see cref="Q4KPrepared{TRows}"/> gives the same bits.
    /// </summary>
    public static void PrepareQ4K(byte* w, nint rowBytes, int nsb, byte* dst)
    {
        Vector512<ushort> shift = Vector512.Create(Vector256.Create((ushort)0), Vector256.Create((ushort)4));
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Span<ulong> mn = stackalloc ulong[4];
        for (int b = 0; b < nsb; b++, dst += PreparedQ4KBytes)
        {
            nint o = b * 144;
            for (int t = 0; t < 4; t++)
            {
                byte* row = w + (t * rowBytes) + o;
                for (int g = 0; g < 4; g++)
                {
                    Nibbles(row + 16 + (32 * g), shift, m4).Store(dst + (64 * ((4 * g) + t)));
                }

                KQuantScales.UnpackK4(row + 4, out ulong sc, out mn[t]);
                Widen(sc).GetLower().GetLower().Store((short*)(dst + 1024 + (16 * t)));
                ((float*)(dst + 1216))[t] = HalfScale.Read(row);
                ((float*)(dst + 1232))[t] = HalfScale.Read(row + 2);
            }

            DoubledMins(mn[0], mn[1]).Store((short*)(dst + 1088));
            DoubledMins(mn[2], mn[3]).Store((short*)(dst + 1152));
        }
    }

    /// <summary><see cref="Q4K{TRows}"/> over a tile row decoded by <see cref="PrepareQ4K"/>: the same arithmetic, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q4KPrepared<TRows>(byte* p, byte* x, nint xRowBytes, int nsb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> acc = Vector512<float>.Zero, accMin = Vector512<float>.Zero;
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        Vector512<int> dyIndex = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        byte* x1 = x + xRowBytes, x2 = x + (2 * xRowBytes), x3 = x + (3 * xRowBytes);
        for (int b = 0; b < nsb; b++, p += PreparedQ4KBytes)
        {
            nint ox = b * ActivationQuant.Q8KBlockBytes;
            Vector512<short> s0 = Vector128.Load((short*)(p + 1024)).ToVector256Unsafe().ToVector512Unsafe();
            Vector512<short> s1 = Vector128.Load((short*)(p + 1040)).ToVector256Unsafe().ToVector512Unsafe();
            Vector512<short> s2 = Vector128.Load((short*)(p + 1056)).ToVector256Unsafe().ToVector512Unsafe();
            Vector512<short> s3 = Vector128.Load((short*)(p + 1072)).ToVector256Unsafe().ToVector512Unsafe();

            Vector512<int> i00 = default, i01 = default, i02 = default, i03 = default;
            Vector512<int> i10 = default, i11 = default, i12 = default, i13 = default;
            Vector512<int> i20 = default, i21 = default, i22 = default, i23 = default;
            Vector512<int> i30 = default, i31 = default, i32 = default, i33 = default;
            for (int g = 0; g < 4; g++)
            {
                byte* pq = p + (256 * g);
                Vector512<byte> q0 = Vector512.Load(pq), q1 = Vector512.Load(pq + 64);
                Vector512<byte> q2 = Vector512.Load(pq + 128), q3 = Vector512.Load(pq + 192);
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

            Vector512<int> sum = Fold(
                Fold(Fold(Fold(i00, i01, even, odd), Fold(i02, i03, even, odd), even, odd),
                    Fold(Fold(i10, i11, even, odd), Fold(i12, i13, even, odd), even, odd), even, odd),
                Fold(Fold(Fold(i20, i21, even, odd), Fold(i22, i23, even, odd), even, odd),
                    Fold(Fold(i30, i31, even, odd), Fold(i32, i33, even, odd), even, odd), even, odd),
                even, odd);

            Vector512<short> mLo = Vector512.Load((short*)(p + 1088)), mHi = Vector512.Load((short*)(p + 1152));
            Vector512<int> min = Fold(
                Fold(Mins(mLo, mHi, x + ox, even, odd), (TRows.Count > 1 ? Mins(mLo, mHi, x1 + ox, even, odd) : default), even, odd),
                Fold((TRows.Count > 2 ? Mins(mLo, mHi, x2 + ox, even, odd) : default), (TRows.Count > 3 ? Mins(mLo, mHi, x3 + ox, even, odd) : default), even, odd),
                even, odd);

            Vector128<float> d4 = Vector128.Load((float*)(p + 1216));
            Vector128<float> m4f = Vector128.Load((float*)(p + 1232));
            Vector128<float> dy4 = Vector128.Create(*(float*)(x + ox), TRows.Count > 1 ? *(float*)(x1 + ox) : 0, TRows.Count > 2 ? *(float*)(x2 + ox) : 0, TRows.Count > 3 ? *(float*)(x3 + ox) : 0);
            Vector512<float> dy = Avx512F.PermuteVar16x32(dy4.ToVector256Unsafe().ToVector512Unsafe(), dyIndex);
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum), Quad(d4) * dy, acc);
            accMin = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(min), Quad(m4f) * dy, accMin);
        }

        TileRows.Store<TRows>(acc - accMin, y, yStride);
    }

    /// <summary>Bytes <see cref="PrepareQ6K"/> writes per super-block of a tile row.</summary>
    public const int PreparedQ6KBytes = 1248;

    /// <summary>
    /// Decodes the 4 Q6_K rows at w once for every activation tile of a batch: per super-block, the level vectors of part
    /// k and row t (64 B each at 64·(4k + t)), the rows' 16 scales as int8 (16 B each at 1024 + 16·t), the scales widened
    /// for the offsets of rows 0–1 and 2–3 (64 B at 1088 and 1152) and d of the four rows as f32 (at 1216), for
    /// <see cref="Q6KPrepared{TRows}"/>: the same bits as <see cref="Q6K{TRows}"/>.
    /// </summary>
    public static void PrepareQ6K(byte* w, nint rowBytes, int nsb, byte* dst)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector512<byte> m30 = Vector512.Create((byte)0x30);
        Vector512<ushort> upLeft = Vector512.Create(Vector256.Create((ushort)4), Vector256.Create((ushort)2));
        Vector512<ushort> upRight = Vector512.Create(Vector256.Create((ushort)0), Vector256.Create((ushort)2));
        for (int b = 0; b < nsb; b++, dst += PreparedQ6KBytes)
        {
            nint o = b * 210;
            for (int t = 0; t < 4; t++)
            {
                byte* row = w + (t * rowBytes) + o;
                for (int k = 0; k < 4; k++)
                {
                    Six(row + (64 * (k >> 1)), row + 128 + (32 * (k >> 1)), k, m4, m30, upLeft, upRight).Store(dst + (64 * ((4 * k) + t)));
                }

                Vector128.Load(row + 192).Store(dst + 1024 + (16 * t));
                ((float*)(dst + 1216))[t] = HalfScale.Read(row + 208);
            }

            Avx512BW.ConvertToVector512Int16(Vector256.Create(Vector128.Load((sbyte*)(dst + 1024)), Vector128.Load((sbyte*)(dst + 1040)))).Store((short*)(dst + 1088));
            Avx512BW.ConvertToVector512Int16(Vector256.Create(Vector128.Load((sbyte*)(dst + 1056)), Vector128.Load((sbyte*)(dst + 1072)))).Store((short*)(dst + 1152));
        }
    }

    /// <summary><see cref="Q6K{TRows}"/> over a tile row decoded by <see cref="PrepareQ6K"/>: the same arithmetic, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Q6KPrepared<TRows>(byte* p, byte* x, nint xRowBytes, int nsb, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        Vector512<float> acc = Vector512<float>.Zero;
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        Vector512<int> dyIndex = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        byte* x1 = x + xRowBytes, x2 = x + (2 * xRowBytes), x3 = x + (3 * xRowBytes);
        for (int b = 0; b < nsb; b++, p += PreparedQ6KBytes)
        {
            nint ox = b * ActivationQuant.Q8KBlockBytes;
            Vector512<short> s0 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(p + 1024))).ToVector512Unsafe();
            Vector512<short> s1 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(p + 1040))).ToVector512Unsafe();
            Vector512<short> s2 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(p + 1056))).ToVector512Unsafe();
            Vector512<short> s3 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(p + 1072))).ToVector512Unsafe();

            Vector512<int> i00 = default, i01 = default, i02 = default, i03 = default;
            Vector512<int> i10 = default, i11 = default, i12 = default, i13 = default;
            Vector512<int> i20 = default, i21 = default, i22 = default, i23 = default;
            Vector512<int> i30 = default, i31 = default, i32 = default, i33 = default;
            for (int k = 0; k < 4; k++)
            {
                byte* pq = p + (256 * k);
                Vector512<byte> q0 = Vector512.Load(pq), q1 = Vector512.Load(pq + 64);
                Vector512<byte> q2 = Vector512.Load(pq + 128), q3 = Vector512.Load(pq + 192);
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

            Vector512<short> sLo = Vector512.Load((short*)(p + 1088)), sHi = Vector512.Load((short*)(p + 1152));
            Vector512<int> off = Fold(
                Fold(Mins(sLo, sHi, x + ox, even, odd), (TRows.Count > 1 ? Mins(sLo, sHi, x1 + ox, even, odd) : default), even, odd),
                Fold((TRows.Count > 2 ? Mins(sLo, sHi, x2 + ox, even, odd) : default), (TRows.Count > 3 ? Mins(sLo, sHi, x3 + ox, even, odd) : default), even, odd),
                even, odd);

            Vector128<float> d4 = Vector128.Load((float*)(p + 1216));
            Vector128<float> dy4 = Vector128.Create(*(float*)(x + ox), TRows.Count > 1 ? *(float*)(x1 + ox) : 0, TRows.Count > 2 ? *(float*)(x2 + ox) : 0, TRows.Count > 3 ? *(float*)(x3 + ox) : 0);
            Vector512<float> dy = Avx512F.PermuteVar16x32(dy4.ToVector256Unsafe().ToVector512Unsafe(), dyIndex);
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum - (off << 5)), Quad(d4) * dy, acc);
        }

        TileRows.Store<TRows>(acc, y, yStride);
    }
}
