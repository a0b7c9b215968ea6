// Row moves between managed spans and native memory (mapped weights, the KV cache), so callers need no unsafe code.
namespace Strata.Kernels;

/// <summary>Copies and dequantizes rows that live at native addresses.</summary>
public static unsafe class NativeRows
{
    /// <summary>
    /// Copies <paramref name="source"/> to the f32 row at <paramref name="destination"/>, or with <paramref name="half"/>
    /// rounds it to f16 (nearest even) into the f16 row there.
    /// </summary>
    public static void Store(ReadOnlySpan<float> source, nint destination, bool half = false)
    {
        if (half)
        {
            HalfConvert.SingleToHalf(source, new Span<ushort>((void*)destination, source.Length));
        }
        else
        {
            source.CopyTo(new Span<float>((void*)destination, source.Length));
        }
    }

    /// <summary>Dequantizes row <paramref name="row"/> of <paramref name="matrix"/> into <paramref name="destination"/> (Cols floats).</summary>
    public static void DequantizeRow(in WeightMatrix matrix, int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, matrix.Rows);
        long rowBytes = GgmlTypeInfo.RowBytes(matrix.Type, matrix.Cols);
        var bytes = new ReadOnlySpan<byte>((byte*)matrix.Data + row * rowBytes, (int)rowBytes);
        QuantizedRows.DequantizeRow(matrix.Type, bytes, destination[..matrix.Cols]);
    }
}
