// Per-16 and per-32 element sums of an activation row, shared by the AVX-512 dots of types with a block minimum.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// Layout of the sums buffer for a row of n elements (n a multiple of 32): n/16 sums of 16 consecutive elements,
/// then n/32 sums of 32. A dot of an affine block (d·q + m) then needs m·Σx from the table instead of a vector pass.
/// </summary>
internal static unsafe class ActivationSums
{
    /// <summary>Floats needed for a row of n elements.</summary>
    public static int Length(int n) => (n / 16) + (n / 32);

    /// <summary>Writes the sums of x[0..n) to s (see the layout above); n must be a multiple of 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(float* x, int n, float* s)
    {
        int n16 = n / 16;
        float* s32 = s + n16;
        for (int i = 0; i < n16; i++)
        {
            s[i] = Vector512.IsHardwareAccelerated ? Reduce512.Sum(Vector512.Load(x + (16 * i))) : Sum16(x + (16 * i));
        }

        for (int i = 0; i < n / 32; i++)
        {
            s32[i] = s[2 * i] + s[(2 * i) + 1];
        }
    }

    private static float Sum16(float* x)
    {
        float a = 0;
        for (int i = 0; i < 16; i++)
        {
            a += x[i];
        }

        return a;
    }
}
