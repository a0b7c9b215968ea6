// AVX-512 block decoders for the 32-element quant types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), bit-identical to ggml's reference.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// Each decoder turns one block at <c>b</c> into two 16-float vectors handed to the sink at element offset <c>o</c>.
/// Multiplies and adds are separate (never fused) so the values equal ggml's scalar dequantization bit for bit.
/// </summary>
internal static unsafe class LegacyQuantDequant512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512
    {
        Vector512<float> d = Vector512.Create(HalfScale.Read(b));
        Vector512<float> eight = Vector512.Create(8f);
        Vector256<byte> q = LegacyQuantDequant.Nibbles(b + 2);
        s.Put(o, (SimdWiden512.U8(q.GetLower()) - eight) * d, (SimdWiden512.U8(q.GetUpper()) - eight) * d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q4_1<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512
    {
        Vector512<float> d = Vector512.Create(HalfScale.Read(b));
        Vector512<float> m = Vector512.Create(HalfScale.Read(b + 2));
        Vector256<byte> q = LegacyQuantDequant.Nibbles(b + 4);
        s.Put(o, (SimdWiden512.U8(q.GetLower()) * d) + m, (SimdWiden512.U8(q.GetUpper()) * d) + m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512
    {
        Vector512<float> d = Vector512.Create(HalfScale.Read(b));
        Vector512<float> sixteen = Vector512.Create(16f);
        Vector256<byte> q = LegacyQuantDequant.Nibbles(b + 6) | SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(b + 2));
        s.Put(o, (SimdWiden512.U8(q.GetLower()) - sixteen) * d, (SimdWiden512.U8(q.GetUpper()) - sixteen) * d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q5_1<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512
    {
        Vector512<float> d = Vector512.Create(HalfScale.Read(b));
        Vector512<float> m = Vector512.Create(HalfScale.Read(b + 2));
        Vector256<byte> q = LegacyQuantDequant.Nibbles(b + 8) | SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(b + 4));
        s.Put(o, (SimdWiden512.U8(q.GetLower()) * d) + m, (SimdWiden512.U8(q.GetUpper()) * d) + m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Q8_0<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512
    {
        Vector512<float> d = Vector512.Create(HalfScale.Read(b));
        s.Put(o, SimdWiden512.I8(Vector128.Load((sbyte*)(b + 2))) * d, SimdWiden512.I8(Vector128.Load((sbyte*)(b + 18))) * d);
    }
}
