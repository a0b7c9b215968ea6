// ggml's utmp shuffle of the packed 6-bit Q4_K/Q5_K scales and mins into eight bytes each.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>Unpacks the 12 scale bytes of a Q4_K/Q5_K super-block (equal to get_scale_min_k4 for j = 0…7).</summary>
internal static unsafe class IntKScales
{
    /// <summary>Byte j of <paramref name="scales"/> is scale j, byte j of <paramref name="mins"/> is min j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unpack(byte* s, out ulong scales, out ulong mins)
    {
        const uint k1 = 0x3f3f3f3f, k2 = 0x0f0f0f0f, k3 = 0x03030303;
        uint u0 = Unsafe.ReadUnaligned<uint>(s);
        uint u1 = Unsafe.ReadUnaligned<uint>(s + 4);
        uint u2 = Unsafe.ReadUnaligned<uint>(s + 8);
        uint u3 = ((u2 >> 4) & k2) | (((u1 >> 6) & k3) << 4);
        uint minLow = u1 & k1;
        u1 = (u2 & k2) | (((u0 >> 6) & k3) << 4);
        u0 &= k1;
        scales = u0 | ((ulong)u1 << 32);
        mins = minLow | ((ulong)u3 << 32);
    }
}
