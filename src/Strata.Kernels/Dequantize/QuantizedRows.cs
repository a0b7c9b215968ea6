// Public per-type row kernels: validated span entry points over the SIMD dequantize/dot kernels.
namespace Strata.Kernels;

/// <summary>Per-type row kernels.</summary>
public static unsafe class QuantizedRows
{
    /// <summary>Dequantizes one row of dst.Length elements.</summary>
    /// <exception cref="ArgumentException">The type is not computable, dst.Length is not a block multiple or src is short.</exception>
    public static void DequantizeRow(GgmlType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        CheckRow(type, src.Length, dst.Length);
        if (dst.Length == 0)
        {
            return;
        }

        fixed (byte* s = src)
        fixed (float* d = dst)
        {
            DequantDispatch.Dequantize(type, s, d, dst.Length);
        }
    }

    /// <summary>Dot product of one quantized row with f32 activations x (x.Length elements).</summary>
    /// <exception cref="ArgumentException">The type is not computable, x.Length is not a block multiple or row is short.</exception>
    public static float Dot(GgmlType type, ReadOnlySpan<byte> row, ReadOnlySpan<float> x)
    {
        CheckRow(type, row.Length, x.Length);
        if (x.Length == 0)
        {
            return 0f;
        }

        fixed (byte* r = row)
        fixed (float* px = x)
        {
            return DequantDispatch.Dot(type, r, px, x.Length);
        }
    }

    /// <summary>Throws unless the type is computable, elements is a block multiple and bytes covers the row.</summary>
    internal static void CheckRow(GgmlType type, int bytes, int elements)
    {
        if (!GgmlTypeInfo.IsComputable(type))
        {
            throw new ArgumentException($"Type {type} is not supported by the kernels.", nameof(type));
        }

        long need = GgmlTypeInfo.RowBytes(type, elements);
        if (bytes < need)
        {
            throw new ArgumentException(
                $"A {type} row of {elements} elements needs {need} bytes; the source has {bytes}.", nameof(bytes));
        }
    }
}
