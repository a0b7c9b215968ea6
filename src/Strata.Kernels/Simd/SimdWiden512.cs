// AVX-512 helpers of the quant kernels: 16 bytes → one Vector512<float>.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Byte → f32 widening into Vector512 (callers check <see cref="KernelIsa.Use512"/>).</summary>
internal static class SimdWiden512
{
    /// <summary>16 unsigned bytes to 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> U8(Vector128<byte> v) =>
        Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(v));

    /// <summary>16 signed bytes to 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> I8(Vector128<sbyte> v) =>
        Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(v));
}
