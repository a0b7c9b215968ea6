// Software prefetch: the distance of the matrix-vector kernels that stream weight rows once per token, and ranges into L2.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// The decode kernels prefetch this many bytes ahead along the weight stream. On TinyLlama-shape Q4_0 layers with two
/// threads it took the layer stack from 23–25 to 25–27 GB/s (bench/Strata.Bench/results/q40-decode-prefetch.md). Q8_0
/// and F16 rows, which stream more bytes per instruction, did not gain and go without. Prefetches past the end of a matrix are harmless: they never fault.
/// </summary>
internal static class StreamPrefetch
{
    /// <summary>Prefetch distance in bytes.</summary>
    public const int Ahead = 4096;

    /// <summary>
    /// Every cache line of [p, p + bytes) into L2 (nothing when bytes ≤ 0 or without SSE): the next weight tile of the
    /// batched products, the next KV blocks of attention. Into L1 the same prefetches gained nothing in either.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void ToL2(byte* p, nint bytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        byte* end = p + bytes;
        for (byte* line = (byte*)((nint)p & ~(nint)63); line < end; line += 64)
        {
            Sse.Prefetch1(line);
        }
    }
}
