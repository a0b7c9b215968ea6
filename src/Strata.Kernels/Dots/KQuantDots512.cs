// AVX-512 dot kernels of the K-quants: integer sub-block scales applied to Σq·x, minima through precomputed Σx.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · x for one K-quant row of n elements (a multiple of 256). Per super-block, Σ scale_j·(Σ q·x) is formed with
/// the integer sub-block scales and multiplied by d once; the minimum term dmin·Σ m_j·Σx_j uses the
/// <see cref="ActivationSums"/> table <c>xs</c>. f32 exact-ish, not bit-equal to a dequantize-then-dot.
/// </summary>
internal static unsafe class KQuantDots512
{
    private const uint Kmask1 = 0x3f3f3f3f, Kmask2 = 0x0f0f0f0f, Kmask3 = 0x03030303;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q2K(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc = Vector512<float>.Zero, mins = acc;
        Vector256<byte> three = Vector256.Create((byte)3);
        for (int o = 0; o < n; o += 256, p += 84, x += 256, xs += 16)
        {
            Vector128<byte> sc = Vector128.Load(p);
            Vector512<float> m = SimdWiden512.U8(Vector128.ShiftRightLogical(sc, 4));
            mins = Vector512.FusedMultiplyAdd(m * Vector512.Create(HalfScale.Read(p + 82)), Vector512.Load(xs), mins);
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int h = 0; h < 2; h++)
            {
                Vector256<byte> v = Vector256.Load(p + 16 + (32 * h));
                for (int j = 0; j < 4; j++)
                {
                    Vector256<byte> q = Vector256.ShiftRightLogical(v, 2 * j) & three;
                    float* xj = x + (128 * h) + (32 * j);
                    int i = (8 * h) + (2 * j);
                    sa = Vector512.FusedMultiplyAdd(Vector512.Create((float)(p[i] & 0xF)),
                        SimdWiden512.U8(q.GetLower()) * Vector512.Load(xj), sa);
                    sb = Vector512.FusedMultiplyAdd(Vector512.Create((float)(p[i + 1] & 0xF)),
                        SimdWiden512.U8(q.GetUpper()) * Vector512.Load(xj + 16), sb);
                }
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(HalfScale.Read(p + 80)), sa + sb, acc);
        }

        return Reduce512.Sum(acc - mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q3K(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        sbyte* scales = stackalloc sbyte[16];
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<byte> four = Vector256.Create((byte)4);
        for (int o = 0; o < n; o += 256, p += 110, x += 256)
        {
            KQuantScales.UnpackQ3K(new ReadOnlySpan<byte>(p + 96, 12), new Span<sbyte>(scales, 16));
            Vector256<byte> hm = Vector256.Load(p);
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int h = 0; h < 2; h++)
            {
                Vector256<byte> v = Vector256.Load(p + 32 + (32 * h));
                for (int j = 0; j < 4; j++)
                {
                    // q − 4 when the high-mask bit is clear, q otherwise: (q | 4·bit) − 4.
                    Vector256<byte> clear = Vector256.Equals(hm & Vector256.Create((byte)(1 << ((4 * h) + j))),
                        Vector256<byte>.Zero);
                    Vector256<sbyte> w = ((Vector256.ShiftRightLogical(v, 2 * j) & three)
                        + Vector256.AndNot(four, clear) - four).AsSByte();
                    float* xj = x + (128 * h) + (32 * j);
                    int i = (8 * h) + (2 * j);
                    sa = Vector512.FusedMultiplyAdd(Vector512.Create((float)(scales[i] - 32)),
                        SimdWiden512.I8(w.GetLower()) * Vector512.Load(xj), sa);
                    sb = Vector512.FusedMultiplyAdd(Vector512.Create((float)(scales[i + 1] - 32)),
                        SimdWiden512.I8(w.GetUpper()) * Vector512.Load(xj + 16), sb);
                }
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(HalfScale.Read(p + 108)), sa + sb, acc);
        }

        return Reduce512.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4K(byte* p, float* x, float* xs, int n)
    {
        float* s32 = xs + (n / 16);
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<float> mins = Vector256<float>.Zero;
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        for (int o = 0; o < n; o += 256, p += 144, x += 256, s32 += 8)
        {
            ulong scs = Unpack(p + 4, out Vector256<float> m);
            mins = Vector256.FusedMultiplyAdd(m * Vector256.Create(HalfScale.Read(p + 2)), Vector256.Load(s32), mins);
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int j = 0; j < 4; j++, scs >>= 16)
            {
                Vector128<byte> v0 = Vector128.Load(p + 16 + (32 * j));
                Vector128<byte> v1 = Vector128.Load(p + 32 + (32 * j));
                float* xj = x + (64 * j);
                sa = SubBlock(v0 & mask, v1 & mask, xj, (byte)scs, sa);
                sb = SubBlock(Vector128.ShiftRightLogical(v0, 4), Vector128.ShiftRightLogical(v1, 4), xj + 32,
                    (byte)(scs >> 8), sb);
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(HalfScale.Read(p)), sa + sb, acc);
        }

        return Reduce512.Sum(acc) - Vector256.Sum(mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5K(byte* p, float* x, float* xs, int n)
    {
        float* s32 = xs + (n / 16);
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<float> mins = Vector256<float>.Zero;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> sixteen = Vector256.Create((byte)16);
        for (int o = 0; o < n; o += 256, p += 176, x += 256, s32 += 8)
        {
            ulong scs = Unpack(p + 4, out Vector256<float> m);
            mins = Vector256.FusedMultiplyAdd(m * Vector256.Create(HalfScale.Read(p + 2)), Vector256.Load(s32), mins);
            Vector256<byte> qh = Vector256.Load(p + 16);
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int j = 0; j < 4; j++, scs >>= 16)
            {
                Vector256<byte> v = Vector256.Load(p + 48 + (32 * j));
                Vector256<byte> h1 = Vector256.AndNot(sixteen,
                    Vector256.Equals(qh & Vector256.Create((byte)(1 << (2 * j))), Vector256<byte>.Zero));
                Vector256<byte> h2 = Vector256.AndNot(sixteen,
                    Vector256.Equals(qh & Vector256.Create((byte)(2 << (2 * j))), Vector256<byte>.Zero));
                float* xj = x + (64 * j);
                Vector256<byte> q1 = (v & mask) | h1;
                Vector256<byte> q2 = Vector256.ShiftRightLogical(v, 4) | h2;
                sa = SubBlock(q1.GetLower(), q1.GetUpper(), xj, (byte)scs, sa);
                sb = SubBlock(q2.GetLower(), q2.GetUpper(), xj + 32, (byte)(scs >> 8), sb);
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(HalfScale.Read(p)), sa + sb, acc);
        }

        return Reduce512.Sum(acc) - Vector256.Sum(mins);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q6K(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<byte> off = Vector256.Create((byte)32);
        for (int o = 0; o < n; o += 256, p += 210, x += 256)
        {
            sbyte* sc = (sbyte*)(p + 192);
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int h = 0; h < 2; h++)
            {
                Vector256<byte> a = Vector256.Load(p + (64 * h));
                Vector256<byte> c = Vector256.Load(p + (64 * h) + 32);
                Vector256<byte> hb = Vector256.Load(p + 128 + (32 * h));
                for (int k = 0; k < 4; k++)
                {
                    Vector256<byte> lowBits = k switch
                    {
                        0 => a & mask,
                        1 => c & mask,
                        2 => Vector256.ShiftRightLogical(a, 4),
                        _ => Vector256.ShiftRightLogical(c, 4),
                    };
                    Vector256<sbyte> q = ((lowBits
                        | Vector256.ShiftLeft(Vector256.ShiftRightLogical(hb, 2 * k) & three, 4)) - off).AsSByte();
                    float* xk = x + (128 * h) + (32 * k);
                    int i = (8 * h) + (2 * k);
                    sa = Vector512.FusedMultiplyAdd(Vector512.Create((float)sc[i]),
                        SimdWiden512.I8(q.GetLower()) * Vector512.Load(xk), sa);
                    sb = Vector512.FusedMultiplyAdd(Vector512.Create((float)sc[i + 1]),
                        SimdWiden512.I8(q.GetUpper()) * Vector512.Load(xk + 16), sb);
                }
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(HalfScale.Read(p + 208)), sa + sb, acc);
        }

        return Reduce512.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q8K(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        for (int o = 0; o < n; o += 256, p += 292, x += 256)
        {
            Vector512<float> sa = Vector512<float>.Zero, sb = sa;
            for (int k = 0; k < 256; k += 32)
            {
                sa = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(p + 4 + k))),
                    Vector512.Load(x + k), sa);
                sb = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(p + 20 + k))),
                    Vector512.Load(x + k + 16), sb);
            }

            acc = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.ReadUnaligned<float>(p)), sa + sb, acc);
        }

        return Reduce512.Sum(acc);
    }

    /// <summary>sAcc + scale·Σ q·x for the 32 unsigned values of one sub-block (lo: elements 0–15, hi: 16–31).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SubBlock(Vector128<byte> lo, Vector128<byte> hi, float* x, byte scale,
        Vector512<float> sAcc)
    {
        Vector512<float> t = SimdWiden512.U8(lo) * Vector512.Load(x);
        t = Vector512.FusedMultiplyAdd(SimdWiden512.U8(hi), Vector512.Load(x + 16), t);
        return Vector512.FusedMultiplyAdd(Vector512.Create((float)scale), t, sAcc);
    }

    /// <summary>
    /// ggml's Q4_K/Q5_K scale unpacking on whole words: returns the eight 6-bit scales as bytes (sub-block j in
    /// byte j) and the eight mins as floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Unpack(byte* q, out Vector256<float> mins)
    {
        uint u0 = Unsafe.ReadUnaligned<uint>(q);
        uint u1 = Unsafe.ReadUnaligned<uint>(q + 4);
        uint u2 = Unsafe.ReadUnaligned<uint>(q + 8);
        uint scLo = u0 & Kmask1;
        uint scHi = (u2 & Kmask2) | (((u0 >> 6) & Kmask3) << 4);
        uint mLo = u1 & Kmask1;
        uint mHi = ((u2 >> 4) & Kmask2) | (((u1 >> 6) & Kmask3) << 4);
        Vector128<byte> mb = Vector128.CreateScalar(mLo | ((ulong)mHi << 32)).AsByte();
        mins = Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(mb));
        return scLo | ((ulong)scHi << 32);
    }
}
