// Splits an ONNX file into its skeleton (the model with the main graph's initializer raw_data removed: small, parsed by
// Google.Protobuf) and the file range of each initializer's raw_data, so that weights are sliced from the mapped file
// instead of being copied into the parser's byte strings. Walks only ModelProto → graph (7) → initializer (5) → raw_data
// (9) on the protobuf wire format (https://protobuf.dev/programming-guides/encoding/); every other field is copied as is
// and parsed, and checked, by Google.Protobuf.
using System.Buffers;

namespace Strata.Compiler.Onnx;

/// <summary>The skeleton of a model file and where its initializers' raw_data lie.</summary>
/// <param name="Skeleton">the model's protobuf bytes without the main graph's initializer raw_data fields</param>
/// <param name="RawData">for initializer i (in file order, as the parser merges them), its raw_data range, or null</param>
internal sealed record OnnxWireSplit(byte[] Skeleton, IReadOnlyList<OnnxByteRange?> RawData);

/// <summary>A byte range of the model file.</summary>
internal readonly record struct OnnxByteRange(long OffsetBytes, int LengthBytes);

/// <summary>Protobuf wire walker for the three levels above an initializer's raw_data.</summary>
internal static class OnnxWireSplitter
{
    private const int ModelGraphField = 7;
    private const int GraphInitializerField = 5;
    private const int TensorRawDataField = 9;
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;
    private const int MaxVarintBytes = 10;
    private const int InitialMessageBytes = 64 * 1024; // a skeleton grows from here: MiniLM's is about 60 KB
    private const int InitialTensorBytes = 256; // a tensor without raw_data: name, dims, type

    /// <summary>Splits <paramref name="file"/>; throws <see cref="OnnxFormatException"/> naming the byte offset where the wire format breaks.</summary>
    public static OnnxWireSplit Split(ReadOnlySpan<byte> file, string source)
    {
        var rawData = new List<OnnxByteRange?>();
        var skeleton = new ArrayBufferWriter<byte>(Math.Clamp(file.Length, 16, InitialMessageBytes));
        var walk = new Walk(source, rawData);
        walk.Model(file, skeleton);
        return new OnnxWireSplit(skeleton.WrittenSpan.ToArray(), rawData);
    }

    private readonly struct Walk(string source, List<OnnxByteRange?> rawData)
    {
        public void Model(ReadOnlySpan<byte> model, ArrayBufferWriter<byte> output)
        {
            int position = 0;
            while (position < model.Length)
            {
                var field = ReadField(model, ref position, 0, "model");
                if (field.Number == ModelGraphField && field.WireType == WireLengthDelimited)
                {
                    var graph = new ArrayBufferWriter<byte>(Math.Clamp(field.PayloadLength, 16, InitialMessageBytes));
                    Graph(model.Slice(field.PayloadStart, field.PayloadLength), field.PayloadStart, graph);
                    WriteLengthDelimited(output, field.Tag, graph.WrittenSpan);
                }
                else
                {
                    output.Write(model[field.Start..position]);
                }
            }
        }

        private void Graph(ReadOnlySpan<byte> graph, long baseOffset, ArrayBufferWriter<byte> output)
        {
            int position = 0;
            while (position < graph.Length)
            {
                var field = ReadField(graph, ref position, baseOffset, "graph");
                if (field.Number == GraphInitializerField && field.WireType == WireLengthDelimited)
                {
                    var tensor = new ArrayBufferWriter<byte>(Math.Clamp(field.PayloadLength, 16, InitialTensorBytes));
                    string element = $"graph.initializer[{rawData.Count}]";
                    rawData.Add(Tensor(graph.Slice(field.PayloadStart, field.PayloadLength), baseOffset + field.PayloadStart, tensor, element));
                    WriteLengthDelimited(output, field.Tag, tensor.WrittenSpan);
                }
                else
                {
                    output.Write(graph[field.Start..position]);
                }
            }
        }

        // Copies the tensor without raw_data and returns where the last raw_data field's bytes lie (protobuf: last one wins).
        private OnnxByteRange? Tensor(ReadOnlySpan<byte> tensor, long baseOffset, ArrayBufferWriter<byte> output, string element)
        {
            OnnxByteRange? range = null;
            int position = 0;
            while (position < tensor.Length)
            {
                var field = ReadField(tensor, ref position, baseOffset, element);
                if (field.Number == TensorRawDataField && field.WireType == WireLengthDelimited)
                {
                    range = new OnnxByteRange(baseOffset + field.PayloadStart, field.PayloadLength);
                }
                else
                {
                    output.Write(tensor[field.Start..position]);
                }
            }

            return range;
        }

        private Field ReadField(ReadOnlySpan<byte> message, ref int position, long baseOffset, string element)
        {
            int start = position;
            ulong tag = ReadVarint(message, ref position, baseOffset, element);
            long fieldNumber = (long)(tag >> 3);
            int wireType = (int)(tag & 7);
            if (fieldNumber is 0 or > (1 << 29) - 1)
            {
                throw Error(element, baseOffset + start, $"field number {fieldNumber} is invalid (1 to 536870911)");
            }

            int payloadStart = position;
            int payloadLength;
            switch (wireType)
            {
                case WireVarint:
                    _ = ReadVarint(message, ref position, baseOffset, element);
                    payloadLength = position - payloadStart;
                    break;
                case WireFixed64:
                    payloadLength = 8;
                    break;
                case WireFixed32:
                    payloadLength = 4;
                    break;
                case WireLengthDelimited:
                    ulong length = ReadVarint(message, ref position, baseOffset, element);
                    payloadStart = position;
                    if (length > (ulong)(message.Length - position))
                    {
                        throw Error(element, baseOffset + start,
                            $"{Describe(element, fieldNumber)} declares {length} bytes but its message has {message.Length - position} left (truncated or corrupt file)");
                    }

                    payloadLength = (int)length;
                    break;
                default:
                    throw Error(element, baseOffset + start, $"{Describe(element, fieldNumber)} has wire type {wireType}, which ONNX does not use (groups or invalid)");
            }

            if (payloadLength > message.Length - payloadStart)
            {
                throw Error(element, baseOffset + start, $"{Describe(element, fieldNumber)} needs {payloadLength} bytes, its message has {message.Length - payloadStart} left (truncated or corrupt file)");
            }

            position = payloadStart + payloadLength;
            return new Field(start, (uint)tag, (int)fieldNumber, wireType, payloadStart, payloadLength);
        }

        private ulong ReadVarint(ReadOnlySpan<byte> message, ref int position, long baseOffset, string element)
        {
            ulong value = 0;
            for (int i = 0; i < MaxVarintBytes; i++)
            {
                if (position >= message.Length)
                {
                    throw Error(element, baseOffset + position, "a varint runs past the end of its message (truncated or corrupt file)");
                }

                byte b = message[position++];
                value |= (ulong)(b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw Error(element, baseOffset + position, $"a varint is longer than {MaxVarintBytes} bytes (corrupt file)");
        }

        // The fields this walker knows by name (onnx.proto's numbers); others by number only.
        private static string Describe(string element, long fieldNumber) => (element, fieldNumber) switch
        {
            ("model", ModelGraphField) => "field 7 (graph)",
            ("model", 8) => "field 8 (opset_import)",
            ("graph", 1) => "field 1 (node)",
            ("graph", GraphInitializerField) => "field 5 (initializer)",
            (_, TensorRawDataField) when element != "model" && element != "graph" => "field 9 (raw_data)",
            _ => $"field {fieldNumber}",
        };

        private OnnxFormatException Error(string element, long offsetBytes, string problem) =>
            new(source, element, $"protobuf at byte {offsetBytes}: {problem}");
    }

    private static void WriteLengthDelimited(ArrayBufferWriter<byte> output, uint tag, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, tag);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(MaxVarintBytes);
        int count = 0;
        while (value >= 0x80)
        {
            span[count++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[count++] = (byte)value;
        output.Advance(count);
    }

    private readonly record struct Field(int Start, uint Tag, int Number, int WireType, int PayloadStart, int PayloadLength);
}
