// AVX-512 dot kernels of the 32-element quant types: Σ d·(q·x) per block, plus m·Σx from precomputed sums for Q4_1/Q5_1.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · x for one quantized row of n elements (a multiple of 32). Integer offsets (−8, −16) are applied to the bytes,
/// the block sum Σq·x is formed in f32 and scaled once per block; the result is f32 exact-ish, not bit-equal to a
/// dequantize-then-dot. <c>xs</c> is the <see cref="ActivationSums"/> table of x (read by the types with a minimum).
/// </summary>
internal static unsafe class LegacyQuantDots512
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4_0(byte* p, float* x, float* xs, int n)
    {
        // 16 blocks per step: their scales are converted in one vector and re-read as broadcasts; the nibbles index a
        // 16-entry table of the levels −8…7 (vpermps reads the low 4 bits only, so no masking or offset step).
        float* ds = stackalloc float[16];
        Vector512<float> table = Vector512.Create(-8f, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0;
        int nb = n / 32, b = 0;
        for (; b + 16 <= nb; b += 16, p += 288, x += 512)
        {
            Vector512.Store(HalfScales512.Stride18(p), ds);
            for (int k = 0; k < 16; k += 2)
            {
                acc0 = TableQ4_0(p + (18 * k) + 2, x + (32 * k), ds[k], table, acc0);
                acc1 = TableQ4_0(p + (18 * k) + 20, x + (32 * k) + 32, ds[k + 1], table, acc1);
            }
        }

        for (; b < nb; b++, p += 18, x += 32)
        {
            acc0 = BlockQ4_0(p, x, acc0);
        }

        return Reduce512.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4_1(byte* p, float* x, float* xs, int n)
    {
        float* s32 = xs + (n / 16);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0;
        float m0 = 0, m1 = 0;
        int o = 0;
        for (; o + 64 <= n; o += 64, p += 40, s32 += 2)
        {
            acc0 = BlockU(p + 4, default, x + o, HalfScale.Read(p), acc0);
            m0 += HalfScale.Read(p + 2) * s32[0];
            acc1 = BlockU(p + 24, default, x + o + 32, HalfScale.Read(p + 20), acc1);
            m1 += HalfScale.Read(p + 22) * s32[1];
        }

        if (o < n)
        {
            acc0 = BlockU(p + 4, default, x + o, HalfScale.Read(p), acc0);
            m0 += HalfScale.Read(p + 2) * s32[0];
        }

        return Reduce512.Sum(acc0 + acc1) + (m0 + m1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5_0(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0;
        int o = 0;
        for (; o + 64 <= n; o += 64, p += 44)
        {
            acc0 = BlockQ5_0(p, x + o, acc0);
            acc1 = BlockQ5_0(p + 22, x + o + 32, acc1);
        }

        if (o < n)
        {
            acc0 = BlockQ5_0(p, x + o, acc0);
        }

        return Reduce512.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5_1(byte* p, float* x, float* xs, int n)
    {
        float* s32 = xs + (n / 16);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0;
        float m0 = 0, m1 = 0;
        int o = 0;
        for (; o + 64 <= n; o += 64, p += 48, s32 += 2)
        {
            acc0 = BlockU(p + 8, High(p + 4), x + o, HalfScale.Read(p), acc0);
            m0 += HalfScale.Read(p + 2) * s32[0];
            acc1 = BlockU(p + 32, High(p + 28), x + o + 32, HalfScale.Read(p + 24), acc1);
            m1 += HalfScale.Read(p + 26) * s32[1];
        }

        if (o < n)
        {
            acc0 = BlockU(p + 8, High(p + 4), x + o, HalfScale.Read(p), acc0);
            m0 += HalfScale.Read(p + 2) * s32[0];
        }

        return Reduce512.Sum(acc0 + acc1) + (m0 + m1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q8_0(byte* p, float* x, float* xs, int n)
    {
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0;
        int o = 0;
        for (; o + 64 <= n; o += 64, p += 68)
        {
            acc0 = BlockQ8_0(p, x + o, acc0);
            acc1 = BlockQ8_0(p + 34, x + o + 32, acc1);
        }

        if (o < n)
        {
            acc0 = BlockQ8_0(p, x + o, acc0);
        }

        return Reduce512.Sum(acc0 + acc1);
    }

    /// <summary>acc + d·Σ q·x for 32 signed values q (lo: elements 0–15, hi: 16–31).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Signed(Vector128<sbyte> lo, Vector128<sbyte> hi, float* x, float d, Vector512<float> acc)
    {
        Vector512<float> t = SimdWiden512.I8(lo) * Vector512.Load(x);
        t = Vector512.FusedMultiplyAdd(SimdWiden512.I8(hi), Vector512.Load(x + 16), t);
        return Vector512.FusedMultiplyAdd(Vector512.Create(d), t, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockQ4_0(byte* b, float* x, Vector512<float> acc)
    {
        // Both halves stay 128-bit until the widening: no lane insert/extract on the shuffle port.
        Vector128<byte> q = Vector128.Load(b + 2);
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        Vector128<byte> eight = Vector128.Create((byte)8);
        Vector128<sbyte> lo = ((q & mask) - eight).AsSByte();
        Vector128<sbyte> hi = ((Vector128.ShiftRightLogical(q, 4) & mask) - eight).AsSByte();
        return Signed(lo, hi, x, HalfScale.Read(b), acc);
    }

    /// <summary>acc + d·Σ q·x for the 16 nibble bytes at qs, levels looked up in <paramref name="table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TableQ4_0(byte* qs, float* x, float d, Vector512<float> table, Vector512<float> acc)
    {
        Vector512<int> q = Avx512F.ConvertToVector512Int32(Vector128.Load(qs));
        Vector512<float> t = Avx512F.PermuteVar16x32(table, q) * Vector512.Load(x);
        t = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32(table, Vector512.ShiftRightLogical(q, 4)), Vector512.Load(x + 16), t);
        return Vector512.FusedMultiplyAdd(Vector512.Create(d), t, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockQ5_0(byte* b, float* x, Vector512<float> acc)
    {
        Vector256<byte> q = LegacyQuantDequant.Nibbles(b + 6) | High(b + 2);
        Vector256<sbyte> w = (q - Vector256.Create((byte)16)).AsSByte();
        return Signed(w.GetLower(), w.GetUpper(), x, HalfScale.Read(b), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockQ8_0(byte* b, float* x, Vector512<float> acc) =>
        Signed(Vector128.Load((sbyte*)(b + 2)), Vector128.Load((sbyte*)(b + 18)), x, HalfScale.Read(b), acc);

    /// <summary>acc + d·Σ q·x for the 4-bit values at qs with the fifth bits <paramref name="high"/> (0x10 lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockU(byte* qs, Vector256<byte> high, float* x, float d, Vector512<float> acc)
    {
        Vector128<byte> q = Vector128.Load(qs);
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        Vector128<byte> lo = (q & mask) | high.GetLower();
        Vector128<byte> hi = (Vector128.ShiftRightLogical(q, 4) & mask) | high.GetUpper();
        Vector512<float> t = SimdWiden512.U8(lo) * Vector512.Load(x);
        t = Vector512.FusedMultiplyAdd(SimdWiden512.U8(hi), Vector512.Load(x + 16), t);
        return Vector512.FusedMultiplyAdd(Vector512.Create(d), t, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> High(byte* qh) => SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(qh));
}
