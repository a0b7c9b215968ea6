// Valid random blocks of any computable type (random payload, finite modest scales): the weights of the kernel tests and the benches.
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>
/// Fills block storage with random bytes, then gives each block's scales finite values of a modest size, so dequantized
/// values and dot products stay finite and comparable (random f16 scale bits would include NaN, infinity and 65504).
/// </summary>
public static class RandomBlocks
{
    /// <summary>
    /// Fills <paramref name="blocks"/> (whole blocks of <paramref name="type"/>; a partial last block keeps its random bytes)
    /// from <paramref name="rng"/>: one NextBytes over the span, then one draw per scale, block by block.
    /// </summary>
    /// <param name="type">The block type.</param>
    /// <param name="blocks">The storage.</param>
    /// <param name="rng">The seeded source.</param>
    /// <param name="floatScale">Bound of the F32/F16/BF16 element values.</param>
    public static void Fill(GgmlType type, Span<byte> blocks, Random rng, float floatScale = 1f)
    {
        ArgumentNullException.ThrowIfNull(rng);
        rng.NextBytes(blocks);
        int bb = GgmlTypeInfo.BlockBytes(type);
        for (int off = 0; off + bb <= blocks.Length; off += bb)
        {
            Span<byte> b = blocks.Slice(off, bb);
            switch (type)
            {
                case GgmlType.F32:
                    BinaryPrimitives.WriteSingleLittleEndian(b, Sane(rng, floatScale));
                    break;
                case GgmlType.F16:
                    SetHalf(b, 0, Sane(rng, floatScale));
                    break;
                case GgmlType.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(b, HalfConvert.SingleToBFloat16(Sane(rng, floatScale)));
                    break;
                case GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q8_0:
                    SetHalf(b, 0, Sane(rng, 0.1f));
                    break;
                case GgmlType.Q4_1 or GgmlType.Q5_1:
                    SetHalf(b, 0, Sane(rng, 0.1f));
                    SetHalf(b, 2, Sane(rng, 1f));
                    break;
                case GgmlType.Q2_K:
                    SetHalf(b, 80, Sane(rng, 0.1f));
                    SetHalf(b, 82, MathF.Abs(Sane(rng, 0.1f)));
                    break;
                case GgmlType.Q3_K:
                    SetHalf(b, 108, Sane(rng, 0.01f));
                    break;
                case GgmlType.Q4_K or GgmlType.Q5_K:
                    SetHalf(b, 0, MathF.Abs(Sane(rng, 0.01f)));
                    SetHalf(b, 2, MathF.Abs(Sane(rng, 0.01f)));
                    break;
                case GgmlType.Q6_K:
                    SetHalf(b, 208, Sane(rng, 0.001f));
                    break;
                case GgmlType.Q8_K:
                    BinaryPrimitives.WriteSingleLittleEndian(b, Sane(rng, 0.01f));
                    break;
            }
        }
    }

    /// <summary>Writes <paramref name="v"/> as an IEEE half at <paramref name="offset"/> of <paramref name="b"/>.</summary>
    public static void SetHalf(Span<byte> b, int offset, float v) =>
        BinaryPrimitives.WriteUInt16LittleEndian(b[offset..], HalfConvert.SingleToHalf(v));

    private static float Sane(Random rng, float scale) => (float)((rng.NextDouble() * 2) - 1) * scale;
}
