// SIMD block decoders for the 256-element K-quants (Q2_K…Q8_K), same arithmetic as ggml's reference.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// Each decoder turns one 256-element super-block at <c>b</c> into 8-float vectors handed to the sink at element
/// offset <c>o</c>. Multiplies and subtracts are separate (never fused) to match ggml's scalar values bit for bit.
/// </summary>
internal static unsafe class KQuantDequant
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put4<TSink>(ref TSink s, int o, Vector256<byte> q, float dA, float mA, float dB, float mB)
        where TSink : struct, IVecSink
    {
        // Elements 0–15 use (dA, mA), 16–31 use (dB, mB): y = d * q - m.
        SimdWiden.U8(q, out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
            out Vector256<float> f3);
        Vector256<float> da = Vector256.Create(dA);
        Vector256<float> ma = Vector256.Create(mA);
        Vector256<float> db = Vector256.Create(dB);
        Vector256<float> mb = Vector256.Create(mB);
        s.Put(o, (da * f0) - ma);
        s.Put(o + 8, (da * f1) - ma);
        s.Put(o + 16, (db * f2) - mb);
        s.Put(o + 24, (db * f3) - mb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q2K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
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
                Put4(ref s, o + (128 * n) + (32 * j), q, d * (sa & 0xF), min * (sa >> 4), d * (sb & 0xF),
                    min * (sb >> 4));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q3K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
        Span<sbyte> scales = stackalloc sbyte[16];
        KQuantScales.UnpackQ3K(new ReadOnlySpan<byte>(b + 96, 12), scales);
        float dAll = HalfScale.Read(b + 108);
        Vector256<byte> hm = Vector256.Load(b);
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<byte> four = Vector256.Create((byte)4);
        Vector256<float> fourF = Vector256.Create(4f);
        for (int n = 0; n < 2; n++)
        {
            Vector256<byte> v = Vector256.Load(b + 32 + (32 * n));
            for (int j = 0; j < 4; j++)
            {
                byte m = (byte)(1 << ((4 * n) + j));
                // w = value + 4 in 0..7: the high bit (when set) adds 4, otherwise the value is low - 4.
                Vector256<byte> clear = Vector256.Equals(hm & Vector256.Create(m), Vector256<byte>.Zero);
                Vector256<byte> w = (Vector256.ShiftRightLogical(v, 2 * j) & three) + Vector256.AndNot(four, clear);
                SimdWiden.U8(w, out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
                    out Vector256<float> f3);
                int isc = (8 * n) + (2 * j);
                Vector256<float> da = Vector256.Create(dAll * (scales[isc] - 32));
                Vector256<float> db = Vector256.Create(dAll * (scales[isc + 1] - 32));
                int at = o + (128 * n) + (32 * j);
                s.Put(at, da * (f0 - fourF));
                s.Put(at + 8, da * (f1 - fourF));
                s.Put(at + 16, db * (f2 - fourF));
                s.Put(at + 24, db * (f3 - fourF));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
        float d = HalfScale.Read(b);
        float min = HalfScale.Read(b + 2);
        byte* scales = b + 4;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        for (int j = 0; j < 4; j++)
        {
            KQuantScales.ScaleMinK4(2 * j, scales, out byte sc1, out byte m1);
            KQuantScales.ScaleMinK4((2 * j) + 1, scales, out byte sc2, out byte m2);
            Vector256<byte> v = Vector256.Load(b + 16 + (32 * j));
            float d1 = d * sc1;
            float mm1 = min * m1;
            float d2 = d * sc2;
            float mm2 = min * m2;
            Put4(ref s, o + (64 * j), v & mask, d1, mm1, d1, mm1);
            Put4(ref s, o + (64 * j) + 32, Vector256.ShiftRightLogical(v, 4), d2, mm2, d2, mm2);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
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
            Vector256<byte> u1 = Vector256.Create((byte)(1 << (2 * j)));
            Vector256<byte> u2 = Vector256.Create((byte)(2 << (2 * j)));
            Vector256<byte> h1 = Vector256.AndNot(sixteen, Vector256.Equals(qh & u1, Vector256<byte>.Zero));
            Vector256<byte> h2 = Vector256.AndNot(sixteen, Vector256.Equals(qh & u2, Vector256<byte>.Zero));
            float d1 = d * sc1;
            float mm1 = min * m1;
            float d2 = d * sc2;
            float mm2 = min * m2;
            Put4(ref s, o + (64 * j), (v & mask) | h1, d1, mm1, d1, mm1);
            Put4(ref s, o + (64 * j) + 32, Vector256.ShiftRightLogical(v, 4) | h2, d2, mm2, d2, mm2);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q6K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
        float d = HalfScale.Read(b + 208);
        sbyte* sc = (sbyte*)(b + 192);
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<float> off = Vector256.Create(32f);
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
                SimdWiden.U8(q, out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
                    out Vector256<float> f3);
                Vector256<float> da = Vector256.Create(d * sc[(8 * n) + (2 * k)]);
                Vector256<float> db = Vector256.Create(d * sc[(8 * n) + (2 * k) + 1]);
                int at = o + (128 * n) + (32 * k);
                s.Put(at, da * (f0 - off));
                s.Put(at + 8, da * (f1 - off));
                s.Put(at + 16, db * (f2 - off));
                s.Put(at + 24, db * (f3 - off));
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q8K<TSink>(byte* b, int o, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink; // local copy so the JIT keeps the accumulators in registers
        Vector256<float> d = Vector256.Create(Unsafe.ReadUnaligned<float>(b));
        for (int k = 0; k < 8; k++)
        {
            SimdWiden.I8(Vector256.Load((sbyte*)(b + 4 + (32 * k))), out Vector256<float> f0, out Vector256<float> f1,
                out Vector256<float> f2, out Vector256<float> f3);
            s.Put(o + (32 * k), d * f0);
            s.Put(o + (32 * k) + 8, d * f1);
            s.Put(o + (32 * k) + 16, d * f2);
            s.Put(o + (32 * k) + 24, d * f3);
        }

        sink = s;
    }
}
