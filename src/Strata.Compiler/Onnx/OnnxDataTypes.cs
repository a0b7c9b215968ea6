// Facts about ONNX element types: which values are known and how many bits an element takes in raw_data.
namespace Strata.Compiler.Onnx;

/// <summary>Sizes and validity of <see cref="OnnxDataType"/> values.</summary>
public static class OnnxDataTypes
{
    /// <summary>True for a value the ONNX specification defines other than <see cref="OnnxDataType.Undefined"/>.</summary>
    public static bool IsKnown(int value) => value is >= (int)OnnxDataType.Float and <= (int)OnnxDataType.Float8E8M0;

    /// <summary>Bits one element takes in raw_data (4 for the packed 4-bit types); 0 for strings, which have no raw form.</summary>
    public static int ElementBits(OnnxDataType type) => type switch
    {
        OnnxDataType.UInt4 or OnnxDataType.Int4 or OnnxDataType.Float4E2M1 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool or OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ
            or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ or OnnxDataType.Float8E8M0 => 8,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 16,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 32,
        OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Double or OnnxDataType.Complex64 => 64,
        OnnxDataType.Complex128 => 128,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in raw_data (4-bit types round up), or null on overflow.</summary>
    public static long? ByteLength(OnnxDataType type, long elementCount)
    {
        long bits = ElementBits(type);
        return elementCount > long.MaxValue / Math.Max(bits, 1) ? null : ((elementCount * bits) + 7) / 8;
    }
}
