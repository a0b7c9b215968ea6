// Exact scalar conversions between f32 and the 16-bit float formats (IEEE half, bfloat16).
namespace Strata.Kernels;

/// <summary>Scalar f16/bf16 ⇄ f32 conversions (widening is exact; narrowing rounds to nearest even).</summary>
public static class HalfConvert
{
    /// <summary>IEEE binary16 bits to f32 (exact, subnormals included).</summary>
    public static float HalfToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>f32 to IEEE binary16 bits, round to nearest even.</summary>
    public static ushort SingleToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>bfloat16 bits to f32: the bits are the upper half of an f32.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>f32 to bfloat16 bits, round to nearest even (NaN stays a quiet NaN), as ggml does.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & 0x7FFFFFFFu) > 0x7F800000u)
        {
            return (ushort)((u >> 16) | 64);
        }

        return (ushort)((u + (0x7FFFu + ((u >> 16) & 1))) >> 16);
    }
}
