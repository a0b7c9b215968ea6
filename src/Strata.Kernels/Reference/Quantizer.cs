// f32 → quantized blocks, reproducing llama.cpp's reference quantizers (quantize_row_*_ref) bit for bit.
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>
/// Quantizes rows the way llama-quantize does without an importance matrix: Q8_0, Q4_0, Q5_0, Q4_K and Q6_K follow
/// ggml-quants.c's reference functions operation by operation (same float order, same rounding), so the bytes match.
/// </summary>
public static class Quantizer
{
    /// <summary>Types <see cref="QuantizeRow"/> can produce.</summary>
    public static bool CanQuantize(GgmlType type) =>
        type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q4_K
            or GgmlType.Q6_K;

    /// <summary>Quantizes <paramref name="source"/> (a block multiple) into <paramref name="destination"/> (RowBytes bytes).</summary>
    public static void QuantizeRow(GgmlType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        long rowBytes = GgmlTypeInfo.RowBytes(type, source.Length);
        if (destination.Length < rowBytes)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; {source.Length} {type} values need {rowBytes}",
                nameof(destination));
        }

        int blockElements = GgmlTypeInfo.BlockElements(type);
        int blockBytes = GgmlTypeInfo.BlockBytes(type);
        for (int b = 0; b < source.Length / blockElements; b++)
        {
            var x = source.Slice(b * blockElements, blockElements);
            var y = destination.Slice(b * blockBytes, blockBytes);
            switch (type)
            {
                case GgmlType.F32:
                    BinaryPrimitives.WriteSingleLittleEndian(y, x[0]);
                    break;
                case GgmlType.F16:
                    BinaryPrimitives.WriteUInt16LittleEndian(y, QuantizeMath.ToHalf(x[0]));
                    break;
                case GgmlType.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(y, HalfConvert.SingleToBFloat16(x[0]));
                    break;
                case GgmlType.Q8_0:
                    Q8_0(x, y);
                    break;
                case GgmlType.Q4_0:
                    Q4_0(x, y);
                    break;
                case GgmlType.Q5_0:
                    Q5_0(x, y);
                    break;
                case GgmlType.Q4_K:
                    KQuantizer.Q4_K(x, y);
                    break;
                case GgmlType.Q6_K:
                    KQuantizer.Q6_K(x, y);
                    break;
                default:
                    throw new ArgumentException($"quantizing to {type} is not supported", nameof(type));
            }
        }
    }

    // quantize_row_q8_0_ref: d = amax/127, q = round(x/d) half away from zero.
    private static void Q8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++)
        {
            amax = MathF.Max(amax, MathF.Abs(x[j]));
        }

        float d = amax / ((1 << 7) - 1);
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, QuantizeMath.ToHalf(d));
        for (int j = 0; j < 32; ++j)
        {
            float x0 = x[j] * id;
            y[2 + j] = (byte)(sbyte)MathF.Round(x0, MidpointRounding.AwayFromZero);
        }
    }

    // quantize_row_q4_0_ref: d = max/−8 where max is the value of largest magnitude; q = min(15, trunc(x/d + 8.5)).
    private static void Q4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; j++)
        {
            float v = x[j];
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, QuantizeMath.ToHalf(d));
        for (int j = 0; j < 16; ++j)
        {
            float x0 = x[j] * id;
            float x1 = x[16 + j] * id;
            int q0 = Math.Min(15, (int)(sbyte)(int)(x0 + 8.5f));
            int q1 = Math.Min(15, (int)(sbyte)(int)(x1 + 8.5f));
            y[2 + j] = (byte)(q0 | (q1 << 4));
        }
    }

    // quantize_row_q5_0_ref: d = max/−16; q = min(31, trunc(x/d + 16.5)); bit 4 of each value goes to qh.
    private static void Q5_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; j++)
        {
            float v = x[j];
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, QuantizeMath.ToHalf(d));
        uint qh = 0;
        for (int j = 0; j < 16; ++j)
        {
            float x0 = x[j] * id;
            float x1 = x[16 + j] * id;
            int q0 = Math.Min(31, (int)(sbyte)(int)(x0 + 16.5f));
            int q1 = Math.Min(31, (int)(sbyte)(int)(x1 + 16.5f));
            y[6 + j] = (byte)((q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= (uint)((q0 & 0x10) >> 4) << j;
            qh |= (uint)((q1 & 0x10) >> 4) << (j + 16);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(y[2..], qh);
    }
}
