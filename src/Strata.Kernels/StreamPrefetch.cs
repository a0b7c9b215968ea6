// Software prefetch distance for the matrix-vector kernels that stream weight rows once per token.
namespace Strata.Kernels;

/// <summary>
/// The decode kernels prefetch this many bytes ahead along the weight stream. The hardware prefetchers alone left two
/// threads at about 26 GB/s on TinyLlama-shape Q4_0 layers; 2–4 KiB ahead gave 30–32 GB/s (bench results,
/// q40-decode-prefetch). Q8_0 and F16 rows, which stream more bytes per instruction, did not gain and go without.
/// Prefetches past the end of a matrix are harmless: they never fault.
/// </summary>
internal static class StreamPrefetch
{
    /// <summary>Prefetch distance in bytes.</summary>
    public const int Ahead = 4096;
}
