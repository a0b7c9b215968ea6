// Software prefetch distance for the matrix-vector kernels that stream weight rows once per token.
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
}
