// Reports which SIMD width the kernels dispatch to in this process.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Which instruction set the kernels dispatch to on this process, for evidence.</summary>
public static class KernelIsa
{
    /// <summary>"avx512", "avx2" or "scalar" — the widest path enabled (honours DOTNET_EnableAVX512F=0 etc.).</summary>
    public static string Active =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported ? "avx512"
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? "avx2"
        : "scalar";
}
