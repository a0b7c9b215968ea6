// Seeded random weight matrices in native memory: Kernels' RandomBlocks over the bench's buffers.
using Strata.Kernels;

namespace Strata.Bench;

/// <summary>Fills rows of any computable type with random payload and sane scales.</summary>
internal static class RandomWeights
{
    public static unsafe void Fill(GgmlType type, byte* data, long bytes, Random rng)
    {
        if (bytes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), $"Weights above 2 GiB are not supported by the bench; got {bytes} bytes.");
        }

        RandomBlocks.Fill(type, new Span<byte>(data, (int)bytes), rng);
    }
}
