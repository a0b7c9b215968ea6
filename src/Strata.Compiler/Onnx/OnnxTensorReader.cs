// Turns a TensorProto into an OnnxTensor after checking its element type, dims and byte length: raw_data is sliced from
// the loaded bytes, typed fields (float_data, int32_data, ...) are decoded into little-endian bytes as raw_data holds them.
using System.Buffers.Binary;
using System.Text;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Compiler.Onnx;

/// <summary>Reads and checks one tensor.</summary>
internal sealed class OnnxTensorReader(string source, OnnxByteSource bytes)
{
    /// <summary>Converts <paramref name="proto"/>; <paramref name="rawData"/> is its raw_data range in the file when the splitter removed it.</summary>
    public OnnxTensor Read(TensorProto proto, string element, OnnxByteRange? rawData)
    {
        string where = $"{element} '{proto.Name}'";
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            string location = "?";
            foreach (var entry in proto.ExternalData)
            {
                location = entry.Key == "location" ? entry.Value : location;
            }

            throw Error(where, $"data is stored outside the model file (data_location EXTERNAL, location '{location}'); external data is not supported yet");
        }

        if (proto.DataLocation != TensorProto.Types.DataLocation.Default)
        {
            throw Error(where, $"data_location {(int)proto.DataLocation} is unknown (0 DEFAULT or 1 EXTERNAL)");
        }

        if (proto.Segment is not null)
        {
            throw Error(where, "is a segment of a larger tensor; segmented tensors are not supported");
        }

        if (!OnnxDataTypes.IsKnown(proto.DataType))
        {
            throw Error(where, $"data_type {proto.DataType} is not an ONNX element type (1 to {(int)OnnxDataType.Float8E8M0})");
        }

        var type = (OnnxDataType)proto.DataType;
        long count = ElementCount(proto.Dims, where);
        long[] dims = [.. proto.Dims];
        if (type == OnnxDataType.String)
        {
            if (rawData is not null || proto.HasRawData || proto.StringData.Count != count)
            {
                throw Error(where, $"a STRING tensor of {count} elements needs {count} string_data entries and no raw_data, has {proto.StringData.Count}");
            }

            return new OnnxTensor(proto.Name, type, dims, []) { ElementCount = count, Strings = [.. proto.StringData.Select(s => s.ToStringUtf8())] };
        }

        long expectedBytes = OnnxDataTypes.ByteLength(type, count)
            ?? throw Error(where, $"{count} elements of {type} overflow a 64-bit byte count");
        int typedFields = TypedFieldCount(proto);
        bool hasRaw = rawData is not null || proto.HasRawData;
        if (hasRaw && typedFields > 0)
        {
            throw Error(where, "holds both raw_data and typed data fields (float_data, int32_data, ...): which one is the value is ambiguous");
        }

        if (rawData is { } range)
        {
            CheckLength(where, type, dims, expectedBytes, range.LengthBytes);
            return new OnnxTensor(proto.Name, type, dims, bytes, range.OffsetBytes, range.LengthBytes) { ElementCount = count };
        }

        if (proto.HasRawData)
        {
            CheckLength(where, type, dims, expectedBytes, proto.RawData.Length);
            return new OnnxTensor(proto.Name, type, dims, proto.RawData.ToByteArray()) { ElementCount = count };
        }

        byte[] decoded = Decode(proto, new Target(where, type, dims, expectedBytes));
        return new OnnxTensor(proto.Name, type, dims, decoded) { ElementCount = count };
    }

    private long ElementCount(Google.Protobuf.Collections.RepeatedField<long> dims, string where)
    {
        long count = 1;
        for (int i = 0; i < dims.Count; i++)
        {
            long d = dims[i];
            if (d < 0)
            {
                throw Error(where, $"dims[{i}] is {d}; tensor dimensions must be non-negative");
            }

            if (d != 0 && count > long.MaxValue / d)
            {
                throw Error(where, $"dims [{string.Join(", ", dims)}] multiply past 2^63 elements");
            }

            count *= d;
        }

        return count;
    }

    private void CheckLength(string where, OnnxDataType type, long[] dims, long expectedBytes, long foundBytes)
    {
        if (expectedBytes != foundBytes)
        {
            throw Error(where, $"{type}[{string.Join(", ", dims)}] needs {expectedBytes} bytes of data, the file holds {foundBytes}");
        }
    }

    private static int TypedFieldCount(TensorProto p) =>
        p.FloatData.Count + p.Int32Data.Count + p.Int64Data.Count + p.DoubleData.Count + p.Uint64Data.Count + p.StringData.Count;

    // The typed field each element type is stored in (onnx.proto's comments on TensorProto's data fields).
    private byte[] Decode(TensorProto p, Target t)
    {
        switch (t.Type)
        {
            case OnnxDataType.Float or OnnxDataType.Complex64:
                return Pack(t, p.FloatData, 4, (span, v) => BinaryPrimitives.WriteSingleLittleEndian(span, v));
            case OnnxDataType.Double or OnnxDataType.Complex128:
                return Pack(t, p.DoubleData, 8, (span, v) => BinaryPrimitives.WriteDoubleLittleEndian(span, v));
            case OnnxDataType.Int64:
                return Pack(t, p.Int64Data, 8, (span, v) => BinaryPrimitives.WriteInt64LittleEndian(span, v));
            case OnnxDataType.UInt32:
                return Pack(t, p.Uint64Data, 4, (span, v) => BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)v));
            case OnnxDataType.UInt64:
                return Pack(t, p.Uint64Data, 8, (span, v) => BinaryPrimitives.WriteUInt64LittleEndian(span, v));
            case OnnxDataType.Int32:
                return Pack(t, p.Int32Data, 4, (span, v) => BinaryPrimitives.WriteInt32LittleEndian(span, v));
            case OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16:
                return Pack(t, p.Int32Data, 2, (span, v) => BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v));
            case OnnxDataType.String:
                throw Error(t.Where, "STRING tensors have no byte form");
            default:
                // 8-bit types one per entry; 4-bit types two per byte, one byte per entry.
                return Pack(t, p.Int32Data, 1, (span, v) => span[0] = (byte)v);
        }
    }

    // Checks the entry count before allocating, so a corrupt count cannot ask for a huge array.
    private byte[] Pack<T>(Target t, IReadOnlyList<T> values, int bytesEach, SpanWriter<T> write)
    {
        if ((long)values.Count * bytesEach != t.ExpectedBytes)
        {
            throw Error(t.Where, $"{t.Type}[{string.Join(", ", t.Dims)}] needs {t.ExpectedBytes} bytes of data, its typed data field holds {values.Count} entries of {bytesEach} bytes");
        }

        byte[] result = new byte[values.Count * bytesEach];
        for (int i = 0; i < values.Count; i++)
        {
            write(result.AsSpan(i * bytesEach, bytesEach), values[i]);
        }

        return result;
    }

    private delegate void SpanWriter<in T>(Span<byte> destination, T value);

    // The tensor being decoded: where it is, its type and dims, and the bytes they call for.
    private readonly record struct Target(string Where, OnnxDataType Type, long[] Dims, long ExpectedBytes);

    private OnnxFormatException Error(string where, string problem) => new(source, where, problem);

    /// <summary>Decodes attribute and string bytes as UTF-8, replacing invalid sequences.</summary>
    public static string Utf8(Google.Protobuf.ByteString bytes) => Encoding.UTF8.GetString(bytes.Span);
}
