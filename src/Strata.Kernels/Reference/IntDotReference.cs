// Scalar reference of the integer block dots (ggml_vec_dot_{q4_0,q5_0,q8_0}_q8_0, {q4_K,q5_K,q6_K}_q8_K, generic paths).
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>Dot of one quantized weight row with one quantized activation row, integer sums per block scaled in f32.</summary>
public static class IntDotReference
{
    /// <summary>Σ over the row of weight·activation, as llama.cpp's generic vec_dot for the pair computes it.</summary>
    public static float Dot(GgmlType weightType, ReadOnlySpan<byte> w, ReadOnlySpan<byte> xq, int cols) => weightType switch
    {
        GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 => Legacy(weightType, w, xq, cols),
        GgmlType.Q4_K or GgmlType.Q5_K => K45(weightType, w, xq, cols),
        GgmlType.Q6_K => K6(w, xq, cols),
        _ => throw new ArgumentException($"{weightType} has no integer dot", nameof(weightType)),
    };

    private static float Legacy(GgmlType type, ReadOnlySpan<byte> w, ReadOnlySpan<byte> xq, int cols)
    {
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        float sum = 0;
        Span<int> levels = stackalloc int[32];
        for (int b = 0; b < cols / 32; b++)
        {
            var block = w.Slice(b * blockBytes, blockBytes);
            var a = xq.Slice(b * 34, 34);
            float dw = Half(block);
            switch (type)
            {
                case GgmlType.Q8_0:
                    for (int j = 0; j < 32; j++)
                    {
                        levels[j] = (sbyte)block[2 + j];
                    }

                    break;
                case GgmlType.Q4_0:
                    for (int j = 0; j < 16; j++)
                    {
                        levels[j] = (block[2 + j] & 0xF) - 8;
                        levels[j + 16] = (block[2 + j] >> 4) - 8;
                    }

                    break;
                default:
                    uint qh = BinaryPrimitives.ReadUInt32LittleEndian(block[2..]);
                    for (int j = 0; j < 16; j++)
                    {
                        int h0 = (int)((qh >> j) << 4) & 0x10;
                        int h1 = (int)(qh >> (j + 12)) & 0x10;
                        levels[j] = ((block[6 + j] & 0xF) | h0) - 16;
                        levels[j + 16] = ((block[6 + j] >> 4) | h1) - 16;
                    }

                    break;
            }

            int sumi = 0;
            for (int j = 0; j < 32; j++)
            {
                sumi += levels[j] * (sbyte)a[2 + j];
            }

            sum += sumi * (dw * Half(a));
        }

        return sum;
    }

    // Q4_K/Q5_K: 8 sub-blocks of 32 with 6-bit scale and min; value = d·sc·q − dmin·m.
    private static float K45(GgmlType type, ReadOnlySpan<byte> w, ReadOnlySpan<byte> xq, int cols)
    {
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        float sum = 0;
        for (int b = 0; b < cols / 256; b++)
        {
            var block = w.Slice(b * blockBytes, blockBytes);
            var a = xq.Slice(b * ActivationQuant.Q8KBlockBytes, ActivationQuant.Q8KBlockBytes);
            float dy = BinaryPrimitives.ReadSingleLittleEndian(a);
            var scales = block.Slice(4, 12);
            var qh = type == GgmlType.Q5_K ? block.Slice(16, 32) : default;
            var qs = block[(type == GgmlType.Q5_K ? 48 : 16)..];
            int sumScaled = 0;
            int sumMins = 0;
            for (int sub = 0; sub < 8; sub++)
            {
                KQuantScales.ScaleMinK4(sub, scales, out byte sc, out byte m);
                int group = sub / 2;
                bool high = sub % 2 == 1;
                int dot = 0;
                for (int l = 0; l < 32; l++)
                {
                    byte packed = qs[(group * 32) + l];
                    int q = high ? packed >> 4 : packed & 0xF;
                    if (type == GgmlType.Q5_K && (qh[l] & (1 << sub)) != 0)
                    {
                        q += 16;
                    }

                    dot += q * (sbyte)a[4 + (sub * 32) + l];
                }

                int bsum = BinaryPrimitives.ReadInt16LittleEndian(a[(260 + (4 * sub))..]) + BinaryPrimitives.ReadInt16LittleEndian(a[(262 + (4 * sub))..]);
                sumScaled += sc * dot;
                sumMins += m * bsum;
            }

            float d = dy * Half(block);
            float dmin = dy * Half(block[2..]);
            sum += (d * sumScaled) - (dmin * sumMins);
        }

        return sum;
    }

    // Q6_K: 16 sub-blocks of 16 with int8 scales; value = d·sc·(q − 32).
    private static float K6(ReadOnlySpan<byte> w, ReadOnlySpan<byte> xq, int cols)
    {
        float sum = 0;
        Span<int> levels = stackalloc int[256];
        for (int b = 0; b < cols / 256; b++)
        {
            var block = w.Slice(b * 210, 210);
            var a = xq.Slice(b * ActivationQuant.Q8KBlockBytes, ActivationQuant.Q8KBlockBytes);
            var ql = block[..128];
            var qh = block.Slice(128, 64);
            var sc = block.Slice(192, 16);
            for (int half = 0; half < 2; half++)
            {
                for (int l = 0; l < 32; l++)
                {
                    int o = half * 128;
                    byte h = qh[(half * 32) + l];
                    levels[o + l] = ((ql[(half * 64) + l] & 0xF) | ((h & 3) << 4)) - 32;
                    levels[o + l + 32] = ((ql[(half * 64) + l + 32] & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                    levels[o + l + 64] = ((ql[(half * 64) + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
                    levels[o + l + 96] = ((ql[(half * 64) + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
                }
            }

            int sumScaled = 0;
            for (int sub = 0; sub < 16; sub++)
            {
                int dot = 0;
                for (int l = 0; l < 16; l++)
                {
                    dot += levels[(sub * 16) + l] * (sbyte)a[4 + (sub * 16) + l];
                }

                sumScaled += (sbyte)sc[sub] * dot;
            }

            sum += BinaryPrimitives.ReadSingleLittleEndian(a) * Half(block[208..]) * sumScaled;
        }

        return sum;
    }

    private static float Half(ReadOnlySpan<byte> bytes) => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes));
}
