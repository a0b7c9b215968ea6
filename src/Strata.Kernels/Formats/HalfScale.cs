// Fast exact scalar IEEE half → single for block scales (branch-free on the common path).
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>Reads f16 block scales; equal to <see cref="HalfConvert.HalfToSingle"/> for every non-NaN bit pattern.</summary>
internal static unsafe class HalfScale
{
    /// <summary>
    /// Exact IEEE half at <paramref name="p"/> to single without branches on the common path: the magnitude bits are
    /// moved into place and multiplied by 2^112, which rebiases the exponent and normalises subnormals exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(byte* p)
    {
        uint h = Unsafe.ReadUnaligned<ushort>(p);
        uint mag = h & 0x7FFFu;
        uint bits = mag << 13;
        float f = BitConverter.UInt32BitsToSingle(bits) * 5.192296858534828e33f; // 2^112
        uint r = mag >= 0x7C00u ? bits | 0x7F800000u : BitConverter.SingleToUInt32Bits(f);
        return BitConverter.UInt32BitsToSingle(r | ((h & 0x8000u) << 16));
    }
}
