// Small SIMD helpers shared by the quant kernels: widening 32 bytes to four 8-float vectors.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Byte → f32 widening of 32 lanes into four Vector256 (lanes 0–7, 8–15, 16–23, 24–31).</summary>
internal static class SimdWiden
{
    /// <summary>Unsigned bytes to floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void U8(Vector256<byte> v, out Vector256<float> f0, out Vector256<float> f1,
        out Vector256<float> f2, out Vector256<float> f3)
    {
        Vector256<ushort> lo = Vector256.WidenLower(v);
        Vector256<ushort> hi = Vector256.WidenUpper(v);
        f0 = Vector256.ConvertToSingle(Vector256.WidenLower(lo).AsInt32());
        f1 = Vector256.ConvertToSingle(Vector256.WidenUpper(lo).AsInt32());
        f2 = Vector256.ConvertToSingle(Vector256.WidenLower(hi).AsInt32());
        f3 = Vector256.ConvertToSingle(Vector256.WidenUpper(hi).AsInt32());
    }

    /// <summary>Signed bytes to floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void I8(Vector256<sbyte> v, out Vector256<float> f0, out Vector256<float> f1,
        out Vector256<float> f2, out Vector256<float> f3)
    {
        Vector256<short> lo = Vector256.WidenLower(v);
        Vector256<short> hi = Vector256.WidenUpper(v);
        f0 = Vector256.ConvertToSingle(Vector256.WidenLower(lo));
        f1 = Vector256.ConvertToSingle(Vector256.WidenUpper(lo));
        f2 = Vector256.ConvertToSingle(Vector256.WidenLower(hi));
        f3 = Vector256.ConvertToSingle(Vector256.WidenUpper(hi));
    }

    /// <summary>32 lanes that are 0x10 where bit e of <paramref name="bits"/> is set (Q5_0/Q5_1 high bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> BitsToHigh16(uint bits)
    {
        const ulong spread = 0x0101010101010101UL;
        Vector256<byte> bytes = Vector256.Create(
            (bits & 0xFF) * spread, ((bits >> 8) & 0xFF) * spread,
            ((bits >> 16) & 0xFF) * spread, (bits >> 24) * spread).AsByte();
        Vector256<byte> mask = Vector256.Create(0x8040201008040201UL).AsByte();
        Vector256<byte> clear = Vector256.Equals(bytes & mask, Vector256<byte>.Zero);
        return Vector256.AndNot(Vector256.Create((byte)0x10), clear);
    }
}
