// Exact conversions between f32 and the 16-bit float formats (IEEE half, bfloat16); f32 → f16 rows also in vectors.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Scalar f16/bf16 ⇄ f32 conversions (widening is exact; narrowing rounds to nearest even).</summary>
public static class HalfConvert
{
    /// <summary>IEEE binary16 bits to f32 (exact, subnormals included).</summary>
    public static float HalfToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>f32 to IEEE binary16 bits, round to nearest even.</summary>
    public static ushort SingleToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>
    /// destination[i] = f16 bits of source[i], rounded to nearest even, as <see cref="SingleToHalf(float)"/> gives them for
    /// every non-NaN value (overflow to infinity, subnormals included); a NaN becomes the quiet NaN 0x7E00 with its sign.
    /// 32 values per step with 512-bit vectors (integer operations: .NET exposes no F16C), one at a time otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">destination is shorter than source</exception>
    public static unsafe void SingleToHalf(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; source has {source.Length}", nameof(destination));
        }

        int n = source.Length;
        int i = 0;
        fixed (float* ps = source)
        fixed (ushort* pd = destination)
        {
            uint* src = (uint*)ps;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 32 <= n; i += 32)
                {
                    Vector512.Narrow(ToHalfBits(Vector512.Load(src + i)), ToHalfBits(Vector512.Load(src + i + 16))).Store(pd + i);
                }
            }

            for (; i < n; i++)
            {
                pd[i] = (ushort)ToHalfBits(src[i]);
            }
        }
    }

    // F. Giesen's round-to-nearest-even narrowing (float_to_half_fast3_rtne): a subnormal result by adding a magic
    // number in f32 (the FPU rounds), a normal one by rebiasing the exponent and adding 0xFFF plus the odd bit.
    private const uint SignBit = 0x80000000u;
    private const uint F16Overflow = (127 + 16) << 23;        // |x| ≥ 65536: infinity (values in [65520, 65536) round up below)
    private const uint F16MinNormal = 113 << 23;              // |x| < 2^−14: subnormal or zero
    private const uint DenormMagic = ((127 - 15) + (23 - 10) + 1) << 23;
    private const uint Rebias = unchecked((uint)((15 - 127) << 23)) + 0xFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ToHalfBits(uint f)
    {
        uint sign = f & SignBit;
        f ^= sign;
        uint o;
        if (f >= F16Overflow)
        {
            o = f > 0x7F800000u ? 0x7E00u : 0x7C00u;
        }
        else if (f < F16MinNormal)
        {
            o = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(f) + BitConverter.UInt32BitsToSingle(DenormMagic)) - DenormMagic;
        }
        else
        {
            o = (f + Rebias + ((f >> 13) & 1)) >> 13;
        }

        return o | (sign >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> ToHalfBits(Vector512<uint> f)
    {
        Vector512<uint> sign = f & Vector512.Create(SignBit);
        f ^= sign;
        Vector512<uint> special = Vector512.ConditionalSelect(Vector512.GreaterThan(f, Vector512.Create(0x7F800000u)),
            Vector512.Create(0x7E00u), Vector512.Create(0x7C00u));
        Vector512<uint> denorm = (f.AsSingle() + Vector512.Create(DenormMagic).AsSingle()).AsUInt32() - Vector512.Create(DenormMagic);
        Vector512<uint> normal = (f + Vector512.Create(Rebias) + ((f >> 13) & Vector512<uint>.One)) >> 13;
        Vector512<uint> o = Vector512.ConditionalSelect(Vector512.LessThan(f, Vector512.Create(F16MinNormal)), denorm, normal);
        o = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(f, Vector512.Create(F16Overflow)), special, o);
        return o | (sign >> 16);
    }

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
