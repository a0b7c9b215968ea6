// Reports which SIMD width the kernels dispatch to in this process, and holds the flags the dispatchers test.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Which instruction set the kernels dispatch to on this process, for evidence.</summary>
public static class KernelIsa
{
    /// <summary>
    /// "avx512-vnni", "avx512", "avx2" or "scalar": the widest quant-kernel path this process can run (honours
    /// DOTNET_EnableAVX512=0, DOTNET_EnableHWIntrinsic=0). "avx512-vnni" is AVX-512 with <see cref="Q8Vnni"/>'s assembled
    /// Q8_0 kernels, whose 8-bit-activation results differ in rounding from the plain AVX-512 ones; whether a model uses
    /// them is a compile option (VNNI packing) that enters the executable's hash beside this name.
    /// </summary>
    public static string Active => Use512 ? (Q8Vnni.Supported ? "avx512-vnni" : "avx512") : Use256 ? "avx2" : "scalar";

    /// <summary>True where the CPU runs the AVX-512 VNNI Q8_0 kernels (a compiler may then choose VNNI packing).</summary>
    public static bool VnniSupported => Q8Vnni.Supported;

    /// <summary>Measured int8 VNNI multiply-accumulate peak of <paramref name="threads"/> threads in GMAC/s; 0 without the VNNI kernels.</summary>
    public static double VnniPeakGmacs(int threads) => Q8Vnni.PeakGmacs(threads);

    /// <summary>The Vector512 paths run: 512-bit vectors are accelerated and the AVX-512 F/BW classes they call exist.</summary>
    internal static bool Use512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported;

    /// <summary>The Vector256 paths run (when <see cref="Use512"/> is false); otherwise the scalar reference does the work.</summary>
    internal static bool Use256 => Vector256.IsHardwareAccelerated;
}
