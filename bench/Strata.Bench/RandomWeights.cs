// Seeded generator of valid random weight matrices (finite, modest block scales) in native memory.
using System.Buffers.Binary;
using Strata.Kernels;

namespace Strata.Bench;

/// <summary>Fills rows of any computable type with random payload and sane scales.</summary>
internal static class RandomWeights
{
    public static unsafe void Fill(GgmlType type, byte* data, long bytes, Random rng)
    {
        var span = new Span<byte>(data, checked((int)Math.Min(bytes, int.MaxValue)));
        if (bytes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "Weights above 2 GiB are not supported by the bench.");
        }

        rng.NextBytes(span);
        int bb = GgmlTypeInfo.BlockBytes(type);
        for (long off = 0; off + bb <= bytes; off += bb)
        {
            Span<byte> b = span.Slice((int)off, bb);
            switch (type)
            {
                case GgmlType.F32:
                    BinaryPrimitives.WriteSingleLittleEndian(b, Sane(rng, 1f));
                    break;
                case GgmlType.F16:
                    SetHalf(b, 0, Sane(rng, 1f));
                    break;
                case GgmlType.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(b, HalfConvert.SingleToBFloat16(Sane(rng, 1f)));
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

    private static void SetHalf(Span<byte> b, int offset, float v) =>
        BinaryPrimitives.WriteUInt16LittleEndian(b[offset..], HalfConvert.SingleToHalf(v));

    private static float Sane(Random rng, float scale) => (float)((rng.NextDouble() * 2) - 1) * scale;
}
