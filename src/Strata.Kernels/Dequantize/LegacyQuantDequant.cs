// SIMD block decoders for the 32-element quant types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), same arithmetic as ggml's reference.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// Each decoder turns one block at <c>b</c> into four 8-float vectors handed to the sink at element offset <c>o</c>.
/// Multiplies and adds are separate (never fused) so the values equal ggml's scalar dequantization bit for bit.
/// </summary>
internal static unsafe class LegacyQuantDequant
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Half(byte* p) => HalfScale.Read(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Nibbles(byte* qs)
    {
        Vector128<byte> q = Vector128.Load(qs);
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        return Vector256.Create(q & mask, Vector128.ShiftRightLogical(q, 4) & mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink
    {
        Vector256<float> d = Vector256.Create(Half(b));
        Vector256<float> eight = Vector256.Create(8f);
        SimdWiden.U8(Nibbles(b + 2), out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
            out Vector256<float> f3);
        s.Put(o, (f0 - eight) * d);
        s.Put(o + 8, (f1 - eight) * d);
        s.Put(o + 16, (f2 - eight) * d);
        s.Put(o + 24, (f3 - eight) * d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4_1<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink
    {
        Vector256<float> d = Vector256.Create(Half(b));
        Vector256<float> m = Vector256.Create(Half(b + 2));
        SimdWiden.U8(Nibbles(b + 4), out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
            out Vector256<float> f3);
        s.Put(o, (f0 * d) + m);
        s.Put(o + 8, (f1 * d) + m);
        s.Put(o + 16, (f2 * d) + m);
        s.Put(o + 24, (f3 * d) + m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink
    {
        Vector256<float> d = Vector256.Create(Half(b));
        Vector256<float> sixteen = Vector256.Create(16f);
        Vector256<byte> q = Nibbles(b + 6) | SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(b + 2));
        SimdWiden.U8(q, out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
            out Vector256<float> f3);
        s.Put(o, (f0 - sixteen) * d);
        s.Put(o + 8, (f1 - sixteen) * d);
        s.Put(o + 16, (f2 - sixteen) * d);
        s.Put(o + 24, (f3 - sixteen) * d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5_1<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink
    {
        Vector256<float> d = Vector256.Create(Half(b));
        Vector256<float> m = Vector256.Create(Half(b + 2));
        Vector256<byte> q = Nibbles(b + 8) | SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(b + 4));
        SimdWiden.U8(q, out Vector256<float> f0, out Vector256<float> f1, out Vector256<float> f2,
            out Vector256<float> f3);
        s.Put(o, (f0 * d) + m);
        s.Put(o + 8, (f1 * d) + m);
        s.Put(o + 16, (f2 * d) + m);
        s.Put(o + 24, (f3 * d) + m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q8_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink
    {
        Vector256<float> d = Vector256.Create(Half(b));
        SimdWiden.I8(Vector256.Load((sbyte*)(b + 2)), out Vector256<float> f0, out Vector256<float> f1,
            out Vector256<float> f2, out Vector256<float> f3);
        s.Put(o, f0 * d);
        s.Put(o + 8, f1 * d);
        s.Put(o + 16, f2 * d);
        s.Put(o + 24, f3 * d);
    }
}
