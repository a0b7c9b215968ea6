// AVX-512 f16 → f32 of 16 block scales at once: the scales of 16 consecutive blocks are picked out of the row by
// word permutes (no gather), sign-extended and converted with integer bit operations, exactly like HalfScale.Read.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Vector f16 scale conversion for the 512-bit row kernels; equal to <see cref="HalfConvert.HalfToSingle"/> for every
/// non-NaN bit pattern (subnormals included). Requires AVX-512 F/BW.
/// </summary>
internal static unsafe class HalfScales512
{
    /// <summary>The f16 scales (first two bytes) of the 16 consecutive 18-byte blocks at p (reads p[0, 272)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Stride18(byte* p)
    {
        Vector512<ushort> idx = Vector512.Create((ushort)0, 9, 18, 27, 36, 45, 54, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> r0 = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)p), idx, Vector512.Load((ushort*)(p + 64)));
        Vector512<ushort> r1 = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 144)), idx, Vector512.Load((ushort*)(p + 208)));
        Vector256<ushort> s = Vector256.Create(r0.GetLower().GetLower(), r1.GetLower().GetLower());
        return FloatDots.HalfToSingleSigned(Avx512F.ConvertToVector512Int32(s.AsInt16()));
    }

    /// <summary>The f16 scales of the 16 consecutive 34-byte (Q8_0) blocks at p (reads p[0, 536)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Stride34(byte* p)
    {
        Vector512<ushort> idx = Vector512.Create((ushort)0, 17, 34, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> merge = Vector512.Create((ushort)0, 1, 2, 3, 32, 33, 34, 35, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> a = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)p), idx, Vector512.Load((ushort*)(p + 64)));
        Vector512<ushort> b = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 136)), idx, Vector512.Load((ushort*)(p + 200)));
        Vector512<ushort> c = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 272)), idx, Vector512.Load((ushort*)(p + 336)));
        Vector512<ushort> d = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 408)), idx, Vector512.Load((ushort*)(p + 472)));
        Vector512<ushort> ab = Avx512BW.PermuteVar32x16x2(a, merge, b);
        Vector512<ushort> cd = Avx512BW.PermuteVar32x16x2(c, merge, d);
        Vector256<ushort> s = Vector256.Create(ab.GetLower().GetLower(), cd.GetLower().GetLower());
        return FloatDots.HalfToSingleSigned(Avx512F.ConvertToVector512Int32(s.AsInt16()));
    }
}
