// Scale/min unpacking shared by the Q4_K/Q5_K SIMD kernels (ggml's get_scale_min_k4 on a pointer).
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>Unpacks the 6-bit scales and mins of Q4_K/Q5_K super-blocks.</summary>
internal static unsafe class KScales
{
    /// <summary>Scale and min number <paramref name="j"/> (0–7) from the 12 packed bytes at <paramref name="q"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleMinK4(int j, byte* q, out byte d, out byte m)
    {
        if (j < 4)
        {
            d = (byte)(q[j] & 63);
            m = (byte)(q[j + 4] & 63);
        }
        else
        {
            d = (byte)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
            m = (byte)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
        }
    }
}
