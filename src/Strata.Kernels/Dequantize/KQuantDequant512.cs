// AVX-512 block decoders for the 256-element K-quants (Q2_K…Q8_K), bit-identical to ggml's reference.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// Each decoder turns one 256-element super-block at <c>b</c> into 32-float groups handed to the sink at element offset
/// <c>o</c>. Multiplies and subtracts are separate (never fused) to match ggml's scalar values bit for bit.
/// </summary>
internal static unsafe class KQuantDequant512
{
    /// <summary>Elements 0–15 of q become dA·q − mA, elements 16–31 dB·q − mB.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutAffine<TSink>(ref TSink s, int o, Vector256<byte> q, float dA, float mA, float dB, float mB)
        where TSink : struct, IVecSink512
    {
        Vector512<float> f0 = SimdWiden512.U8(q.GetLower());
        Vector512<float> f1 = SimdWiden512.U8(q.GetUpper());
        s.Put(o, (Vector512.Create(dA) * f0) - Vector512.Create(mA), (Vector512.Create(dB) * f1) - Vector512.Create(mB));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q2K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink; // local copy so the JIT keeps the sink in registers
        float d = HalfScale.Read(b + 80);
        float min = HalfScale.Read(b + 82);
        Vector256<byte> three = Vector256.Create((byte)3);
        for (int n = 0; n < 2; n++)
        {
            Vector256<byte> v = Vector256.Load(b + 16 + (32 * n));
            for (int j = 0; j < 4; j++)
            {
                byte sa = b[(8 * n) + (2 * j)];
                byte sb = b[(8 * n) + (2 * j) + 1];
                Vector256<byte> q = Vector256.ShiftRightLogical(v, 2 * j) & three;
                PutAffine(ref s, o + (128 * n) + (32 * j), q, d * (sa & 0xF), min * (sa >> 4), d * (sb & 0xF),
                    min * (sb >> 4));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q3K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        sbyte* scales = stackalloc sbyte[16];
        KQuantScales.UnpackQ3K(new ReadOnlySpan<byte>(b + 96, 12), new Span<sbyte>(scales, 16));
        float dAll = HalfScale.Read(b + 108);
        Vector256<byte> hm = Vector256.Load(b);
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<byte> four = Vector256.Create((byte)4);
        Vector512<float> fourF = Vector512.Create(4f);
        for (int n = 0; n < 2; n++)
        {
            Vector256<byte> v = Vector256.Load(b + 32 + (32 * n));
            for (int j = 0; j < 4; j++)
            {
                byte m = (byte)(1 << ((4 * n) + j));
                Vector256<byte> clear = Vector256.Equals(hm & Vector256.Create(m), Vector256<byte>.Zero);
                Vector256<byte> w = (Vector256.ShiftRightLogical(v, 2 * j) & three) + Vector256.AndNot(four, clear);
                int isc = (8 * n) + (2 * j);
                Vector512<float> da = Vector512.Create(dAll * (scales[isc] - 32));
                Vector512<float> db = Vector512.Create(dAll * (scales[isc + 1] - 32));
                s.Put(o + (128 * n) + (32 * j), da * (SimdWiden512.U8(w.GetLower()) - fourF),
                    db * (SimdWiden512.U8(w.GetUpper()) - fourF));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        float d = HalfScale.Read(b);
        float min = HalfScale.Read(b + 2);
        byte* scales = b + 4;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        for (int j = 0; j < 4; j++)
        {
            KQuantScales.ScaleMinK4(2 * j, scales, out byte sc1, out byte m1);
            KQuantScales.ScaleMinK4((2 * j) + 1, scales, out byte sc2, out byte m2);
            Vector256<byte> v = Vector256.Load(b + 16 + (32 * j));
            float d1 = d * sc1, mm1 = min * m1, d2 = d * sc2, mm2 = min * m2;
            PutAffine(ref s, o + (64 * j), v & mask, d1, mm1, d1, mm1);
            PutAffine(ref s, o + (64 * j) + 32, Vector256.ShiftRightLogical(v, 4), d2, mm2, d2, mm2);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        float d = HalfScale.Read(b);
        float min = HalfScale.Read(b + 2);
        byte* scales = b + 4;
        Vector256<byte> qh = Vector256.Load(b + 16);
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> sixteen = Vector256.Create((byte)16);
        for (int j = 0; j < 4; j++)
        {
            KQuantScales.ScaleMinK4(2 * j, scales, out byte sc1, out byte m1);
            KQuantScales.ScaleMinK4((2 * j) + 1, scales, out byte sc2, out byte m2);
            Vector256<byte> v = Vector256.Load(b + 48 + (32 * j));
            Vector256<byte> h1 = Vector256.AndNot(sixteen,
                Vector256.Equals(qh & Vector256.Create((byte)(1 << (2 * j))), Vector256<byte>.Zero));
            Vector256<byte> h2 = Vector256.AndNot(sixteen,
                Vector256.Equals(qh & Vector256.Create((byte)(2 << (2 * j))), Vector256<byte>.Zero));
            float d1 = d * sc1, mm1 = min * m1, d2 = d * sc2, mm2 = min * m2;
            PutAffine(ref s, o + (64 * j), (v & mask) | h1, d1, mm1, d1, mm1);
            PutAffine(ref s, o + (64 * j) + 32, Vector256.ShiftRightLogical(v, 4) | h2, d2, mm2, d2, mm2);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q6K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        float d = HalfScale.Read(b + 208);
        sbyte* sc = (sbyte*)(b + 192);
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector512<float> off = Vector512.Create(32f);
        for (int n = 0; n < 2; n++)
        {
            Vector256<byte> a = Vector256.Load(b + (64 * n));
            Vector256<byte> c = Vector256.Load(b + (64 * n) + 32);
            Vector256<byte> h = Vector256.Load(b + 128 + (32 * n));
            for (int k = 0; k < 4; k++)
            {
                Vector256<byte> lowBits = k switch
                {
                    0 => a & mask,
                    1 => c & mask,
                    2 => Vector256.ShiftRightLogical(a, 4),
                    _ => Vector256.ShiftRightLogical(c, 4),
                };
                Vector256<byte> q = lowBits | Vector256.ShiftLeft(Vector256.ShiftRightLogical(h, 2 * k) & three, 4);
                // ggml evaluates d * sc * q as (d * sc) * q.
                Vector512<float> da = Vector512.Create(d * sc[(8 * n) + (2 * k)]);
                Vector512<float> db = Vector512.Create(d * sc[(8 * n) + (2 * k) + 1]);
                s.Put(o + (128 * n) + (32 * k), da * (SimdWiden512.U8(q.GetLower()) - off),
                    db * (SimdWiden512.U8(q.GetUpper()) - off));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q8K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        Vector512<float> d = Vector512.Create(Unsafe.ReadUnaligned<float>(b));
        for (int k = 0; k < 16; k += 2)
        {
            s.Put(o + (16 * k), d * SimdWiden512.I8(Vector128.Load((sbyte*)(b + 4 + (16 * k)))),
                d * SimdWiden512.I8(Vector128.Load((sbyte*)(b + 20 + (16 * k)))));
        }

        sink = s;
    }
}
