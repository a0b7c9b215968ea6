// Scalar reference kernels: ggml's dequantize_row_* transcribed operation for operation, and a double-precision dot.
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>
/// Scalar reference implementations. <see cref="DequantizeRow"/> reproduces ggml's reference dequantize_row_* bit for bit
/// (same formula and operation order in f32); <see cref="Dot"/> sums the dequantized products in double.
/// </summary>
public static class DequantReference
{
    /// <summary>Scalar dequantization of one row of dst.Length elements.</summary>
    /// <exception cref="ArgumentException">The type is not computable, dst.Length is not a block multiple or src is short.</exception>
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        QuantizedRows.CheckRow(type, src.Length, dst.Length);
        int be = GgmlTypeInfo.BlockElements(type);
        int bb = GgmlTypeInfo.BlockBytes(type);
        int nb = dst.Length / be;
        for (int i = 0; i < nb; i++)
        {
            DequantizeBlock(type, src.Slice(i * bb, bb), dst.Slice(i * be, be));
        }
    }

    /// <summary>Reference dot product: Σ (double)dequant(row)[i] · x[i], rounded to f32 at the end.</summary>
    /// <exception cref="ArgumentException">The type is not computable, x.Length is not a block multiple or row is short.</exception>
    public static float Dot(GgmlType type, ReadOnlySpan<byte> row, ReadOnlySpan<float> x) => (float)DotDouble(type, row, x);

    /// <summary>Reference dot product in double, without the final rounding.</summary>
    /// <exception cref="ArgumentException">The type is not computable, x.Length is not a block multiple or row is short.</exception>
    public static double DotDouble(GgmlType type, ReadOnlySpan<byte> row, ReadOnlySpan<float> x)
    {
        QuantizedRows.CheckRow(type, row.Length, x.Length);
        int be = GgmlTypeInfo.BlockElements(type);
        int bb = GgmlTypeInfo.BlockBytes(type);
        Span<float> tmp = stackalloc float[256];
        double sum = 0;
        for (int i = 0; i < x.Length / be; i++)
        {
            Span<float> w = tmp[..be];
            DequantizeBlock(type, row.Slice(i * bb, bb), w);
            ReadOnlySpan<float> xs = x.Slice(i * be, be);
            for (int j = 0; j < be; j++)
            {
                sum += (double)w[j] * xs[j];
            }
        }

        return sum;
    }

    private static float H(ReadOnlySpan<byte> b, int offset) =>
        HalfConvert.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b[offset..]));

    private static void DequantizeBlock(GgmlType type, ReadOnlySpan<byte> b, Span<float> y)
    {
        switch (type)
        {
            case GgmlType.F32:
                y[0] = BinaryPrimitives.ReadSingleLittleEndian(b);
                break;
            case GgmlType.F16:
                y[0] = H(b, 0);
                break;
            case GgmlType.BF16:
                y[0] = HalfConvert.BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b));
                break;
            case GgmlType.Q4_0:
                Q4_0(b, y);
                break;
            case GgmlType.Q4_1:
                Q4_1(b, y);
                break;
            case GgmlType.Q5_0:
                Q5_0(b, y);
                break;
            case GgmlType.Q5_1:
                Q5_1(b, y);
                break;
            case GgmlType.Q8_0:
                Q8_0(b, y);
                break;
            case GgmlType.Q2_K:
                Q2K(b, y);
                break;
            case GgmlType.Q3_K:
                Q3K(b, y);
                break;
            case GgmlType.Q4_K:
                Q4K(b, y);
                break;
            case GgmlType.Q5_K:
                Q5K(b, y);
                break;
            case GgmlType.Q6_K:
                Q6K(b, y);
                break;
            case GgmlType.Q8_K:
                Q8K(b, y);
                break;
            default:
                throw new ArgumentException($"Type {type} is not computable.", nameof(type));
        }
    }

    private static void Q4_0(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        for (int j = 0; j < 16; j++)
        {
            int x0 = (b[2 + j] & 0x0F) - 8;
            int x1 = (b[2 + j] >> 4) - 8;
            y[j] = x0 * d;
            y[j + 16] = x1 * d;
        }
    }

    private static void Q4_1(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        float m = H(b, 2);
        for (int j = 0; j < 16; j++)
        {
            int x0 = b[4 + j] & 0x0F;
            int x1 = b[4 + j] >> 4;
            y[j] = (x0 * d) + m;
            y[j + 16] = (x1 * d) + m;
        }
    }

    private static void Q5_0(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(b[2..]);
        for (int j = 0; j < 16; j++)
        {
            int xh0 = (int)(((qh >> j) << 4) & 0x10);
            int xh1 = (int)((qh >> (j + 12)) & 0x10);
            int x0 = ((b[6 + j] & 0x0F) | xh0) - 16;
            int x1 = ((b[6 + j] >> 4) | xh1) - 16;
            y[j] = x0 * d;
            y[j + 16] = x1 * d;
        }
    }

    private static void Q5_1(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        float m = H(b, 2);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        for (int j = 0; j < 16; j++)
        {
            int xh0 = (int)(((qh >> j) << 4) & 0x10);
            int xh1 = (int)((qh >> (j + 12)) & 0x10);
            int x0 = (b[8 + j] & 0x0F) | xh0;
            int x1 = (b[8 + j] >> 4) | xh1;
            y[j] = (x0 * d) + m;
            y[j + 16] = (x1 * d) + m;
        }
    }

    private static void Q8_0(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        for (int j = 0; j < 32; j++)
        {
            y[j] = (sbyte)b[2 + j] * d;
        }
    }

    private static void Q2K(ReadOnlySpan<byte> b, Span<float> y)
    {
        ReadOnlySpan<byte> scales = b[..16];
        float d = H(b, 80);
        float min = H(b, 82);
        int o = 0;
        int qo = 16;
        int isc = 0;
        for (int n = 0; n < 256; n += 128)
        {
            int shift = 0;
            for (int j = 0; j < 4; j++)
            {
                byte sc = scales[isc++];
                float dl = d * (sc & 0xF);
                float ml = min * (sc >> 4);
                for (int l = 0; l < 16; l++)
                {
                    y[o++] = (dl * ((b[qo + l] >> shift) & 3)) - ml;
                }

                sc = scales[isc++];
                dl = d * (sc & 0xF);
                ml = min * (sc >> 4);
                for (int l = 0; l < 16; l++)
                {
                    y[o++] = (dl * ((b[qo + l + 16] >> shift) & 3)) - ml;
                }

                shift += 2;
            }

            qo += 32;
        }
    }

    private static void Q3K(ReadOnlySpan<byte> b, Span<float> y)
    {
        Span<sbyte> scales = stackalloc sbyte[16];
        KQuantScales.UnpackQ3K(b.Slice(96, 12), scales);
        float dAll = H(b, 108);
        ReadOnlySpan<byte> hm = b[..32];
        int qo = 32;
        int o = 0;
        int isc = 0;
        int m = 1;
        for (int n = 0; n < 256; n += 128)
        {
            int shift = 0;
            for (int j = 0; j < 4; j++)
            {
                float dl = dAll * (scales[isc++] - 32);
                for (int l = 0; l < 16; l++)
                {
                    y[o++] = dl * (((b[qo + l] >> shift) & 3) - ((hm[l] & m) != 0 ? 0 : 4));
                }

                dl = dAll * (scales[isc++] - 32);
                for (int l = 0; l < 16; l++)
                {
                    y[o++] = dl * (((b[qo + l + 16] >> shift) & 3) - ((hm[l + 16] & m) != 0 ? 0 : 4));
                }

                shift += 2;
                m <<= 1;
            }

            qo += 32;
        }
    }

    private static void Q4K(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        float min = H(b, 2);
        ReadOnlySpan<byte> scales = b.Slice(4, 12);
        int qo = 16;
        int o = 0;
        for (int j = 0, isc = 0; j < 256; j += 64, isc += 2)
        {
            KQuantScales.ScaleMinK4(isc, scales, out byte sc, out byte mb);
            float d1 = d * sc;
            float m1 = min * mb;
            KQuantScales.ScaleMinK4(isc + 1, scales, out sc, out mb);
            float d2 = d * sc;
            float m2 = min * mb;
            for (int l = 0; l < 32; l++)
            {
                y[o++] = (d1 * (b[qo + l] & 0xF)) - m1;
            }

            for (int l = 0; l < 32; l++)
            {
                y[o++] = (d2 * (b[qo + l] >> 4)) - m2;
            }

            qo += 32;
        }
    }

    private static void Q5K(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 0);
        float min = H(b, 2);
        ReadOnlySpan<byte> scales = b.Slice(4, 12);
        ReadOnlySpan<byte> qh = b.Slice(16, 32);
        int qo = 48;
        int o = 0;
        int u1 = 1;
        int u2 = 2;
        for (int j = 0, isc = 0; j < 256; j += 64, isc += 2)
        {
            KQuantScales.ScaleMinK4(isc, scales, out byte sc, out byte mb);
            float d1 = d * sc;
            float m1 = min * mb;
            KQuantScales.ScaleMinK4(isc + 1, scales, out sc, out mb);
            float d2 = d * sc;
            float m2 = min * mb;
            for (int l = 0; l < 32; l++)
            {
                y[o++] = (d1 * ((b[qo + l] & 0xF) + ((qh[l] & u1) != 0 ? 16 : 0))) - m1;
            }

            for (int l = 0; l < 32; l++)
            {
                y[o++] = (d2 * ((b[qo + l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0))) - m2;
            }

            qo += 32;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    private static void Q6K(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = H(b, 208);
        for (int n = 0; n < 2; n++)
        {
            int ql = 64 * n;
            int qh = 128 + (32 * n);
            int sc = 192 + (8 * n);
            int o = 128 * n;
            for (int l = 0; l < 32; l++)
            {
                int isc = l / 16;
                int q1 = (sbyte)((b[ql + l] & 0xF) | (((b[qh + l] >> 0) & 3) << 4)) - 32;
                int q2 = (sbyte)((b[ql + l + 32] & 0xF) | (((b[qh + l] >> 2) & 3) << 4)) - 32;
                int q3 = (sbyte)((b[ql + l] >> 4) | (((b[qh + l] >> 4) & 3) << 4)) - 32;
                int q4 = (sbyte)((b[ql + l + 32] >> 4) | (((b[qh + l] >> 6) & 3) << 4)) - 32;
                y[o + l] = d * (sbyte)b[sc + isc] * q1;
                y[o + l + 32] = d * (sbyte)b[sc + isc + 2] * q2;
                y[o + l + 64] = d * (sbyte)b[sc + isc + 4] * q3;
                y[o + l + 96] = d * (sbyte)b[sc + isc + 6] * q4;
            }
        }
    }

    private static void Q8K(ReadOnlySpan<byte> b, Span<float> y)
    {
        float d = BinaryPrimitives.ReadSingleLittleEndian(b);
        for (int j = 0; j < 256; j++)
        {
            y[j] = d * (sbyte)b[4 + j];
        }
    }
}
