// Quantizes activation rows to 8-bit blocks for the integer matmul path, as llama.cpp's CPU backend does
// (quantize_row_q8_0: d = max/127, round half to even; quantize_row_q8_K_ref: d = max/−127 with nearest_int and bsums).
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>Quantizes activation rows for <see cref="MatMulInt8"/>.</summary>
public static class ActivationQuant
{
    /// <summary>Bytes of a Q8_K activation block: f32 d, 256 int8, 16 int16 sums.</summary>
    public const int Q8KBlockBytes = 4 + 256 + 32;

    /// <summary>
    /// The block format activations are quantized to for a matmul against <paramref name="weightType"/>: Q8_0 for Q4_0, Q5_0
    /// and Q8_0 weights, Q8_K for Q4_K, Q5_K and Q6_K weights; F32 (no integer kernel: use <see cref="MatMul"/>) otherwise.
    /// </summary>
    public static GgmlType FormatFor(GgmlType weightType) => weightType switch
    {
        GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q8_0 => GgmlType.Q8_0,
        GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K => GgmlType.Q8_K,
        _ => GgmlType.F32,
    };

    /// <summary>Bytes of one quantized activation row of <paramref name="cols"/> values for <paramref name="weightType"/>.</summary>
    public static long RowBytes(GgmlType weightType, int cols) => FormatFor(weightType) switch
    {
        GgmlType.Q8_0 => GgmlTypeInfo.RowBytes(GgmlType.Q8_0, cols),
        GgmlType.Q8_K => GgmlTypeInfo.RowBytes(GgmlType.Q8_K, cols),
        _ => throw new ArgumentException($"weights of type {weightType} have no integer matmul; use MatMul", nameof(weightType)),
    };

    /// <summary>Quantizes n rows of cols floats (x: [n, cols]) into xq ([n, RowBytes]).</summary>
    public static void QuantizeRows(GgmlType weightType, ReadOnlySpan<float> x, int n, int cols, Span<byte> xq) =>
        QuantizeRows(weightType, x, n, cols, xq, KernelIsa.Use512 ? 512 : IntDotDispatch.Use256 ? 256 : 0);

    /// <summary>QuantizeRows on one path: width 512 (AVX-512), 256 (AVX2) or 0 (scalar); for the tests.</summary>
    internal static unsafe void QuantizeRows(GgmlType weightType, ReadOnlySpan<float> x, int n, int cols, Span<byte> xq, int width)
    {
        int rowBytes = (int)RowBytes(weightType, cols);
        if (x.Length < (long)n * cols || xq.Length < (long)n * rowBytes)
        {
            throw new ArgumentException($"x holds {x.Length} floats and xq {xq.Length} bytes; {n} rows of {cols} need {n * cols} and {n * rowBytes}");
        }

        bool k = FormatFor(weightType) == GgmlType.Q8_K;
        if (width != 0)
        {
            fixed (float* px = x)
            fixed (byte* py = xq)
            {
                for (int r = 0; r < n; r++)
                {
                    float* row = px + ((nint)r * cols);
                    byte* output = py + ((nint)r * rowBytes);
                    switch (width, k)
                    {
                        case (512, true):
                            ActivationQuantSimd.Q8K_512(row, output, cols);
                            break;
                        case (512, false):
                            ActivationQuantSimd.Q80_512(row, output, cols);
                            break;
                        case (_, true):
                            ActivationQuantSimd.Q8K_256(row, output, cols);
                            break;
                        default:
                            ActivationQuantSimd.Q80_256(row, output, cols);
                            break;
                    }
                }
            }

            return;
        }

        for (int r = 0; r < n; r++)
        {
            var row = x.Slice(r * cols, cols);
            var output = xq.Slice(r * rowBytes, rowBytes);
            if (k)
            {
                Q8K(row, output);
            }
            else
            {
                Q80(row, output);
            }
        }
    }

    private static void Q80(ReadOnlySpan<float> x, Span<byte> y)
    {
        for (int b = 0; b < x.Length / 32; b++)
        {
            var v = x.Slice(b * 32, 32);
            var block = y.Slice(b * 34, 34);
            float max = 0;
            for (int j = 0; j < 32; j++)
            {
                max = MathF.Max(max, MathF.Abs(v[j]));
            }

            float d = max / 127f;
            float id = max != 0 ? 127f / max : 0f;
            BinaryPrimitives.WriteUInt16LittleEndian(block, BitConverter.HalfToUInt16Bits((Half)d));
            for (int j = 0; j < 32; j++)
            {
                block[2 + j] = (byte)(sbyte)MathF.Round(v[j] * id, MidpointRounding.ToEven);
            }
        }
    }

    private static void Q8K(ReadOnlySpan<float> x, Span<byte> y)
    {
        for (int b = 0; b < x.Length / 256; b++)
        {
            var v = x.Slice(b * 256, 256);
            var block = y.Slice(b * Q8KBlockBytes, Q8KBlockBytes);
            float max = 0;
            float amax = 0;
            for (int j = 0; j < 256; j++)
            {
                float ax = MathF.Abs(v[j]);
                if (ax > amax)
                {
                    amax = ax;
                    max = v[j];
                }
            }

            if (amax == 0)
            {
                block.Clear();
                continue;
            }

            float iscale = -127f / max;
            for (int j = 0; j < 256; j++)
            {
                block[4 + j] = (byte)(sbyte)Math.Min(127, QuantizeMath.NearestInt(iscale * v[j]));
            }

            for (int j = 0; j < 16; j++)
            {
                int sum = 0;
                for (int i = 0; i < 16; i++)
                {
                    sum += (sbyte)block[4 + (j * 16) + i];
                }

                BinaryPrimitives.WriteInt16LittleEndian(block[(260 + (2 * j))..], (short)sum);
            }

            BinaryPrimitives.WriteSingleLittleEndian(block, 1 / iscale);
        }
    }
}
