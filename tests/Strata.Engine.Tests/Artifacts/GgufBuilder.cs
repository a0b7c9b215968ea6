// Writes GGUF bytes for tests: every metadata value type, nested arrays, tensor infos, alignment, v2/v3, and raw overrides for malformed files.
using System.Buffers.Binary;
using System.Text;
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Tests.Artifacts;

/// <summary>A metadata value to write: a type tag, a scalar/string payload, or (for arrays) an element type and items.</summary>
/// <remarks>Array items are raw scalars/strings of the element type, or <see cref="GgufBuilderValue"/> arrays when the element type is Array.</remarks>
internal sealed record GgufBuilderValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufBuilderValue U8(byte v) => new(GgufValueType.UInt8, v);

    public static GgufBuilderValue I8(sbyte v) => new(GgufValueType.Int8, v);

    public static GgufBuilderValue U16(ushort v) => new(GgufValueType.UInt16, v);

    public static GgufBuilderValue I16(short v) => new(GgufValueType.Int16, v);

    public static GgufBuilderValue U32(uint v) => new(GgufValueType.UInt32, v);

    public static GgufBuilderValue I32(int v) => new(GgufValueType.Int32, v);

    public static GgufBuilderValue U64(ulong v) => new(GgufValueType.UInt64, v);

    public static GgufBuilderValue I64(long v) => new(GgufValueType.Int64, v);

    public static GgufBuilderValue F32(float v) => new(GgufValueType.Float32, v);

    public static GgufBuilderValue F64(double v) => new(GgufValueType.Float64, v);

    public static GgufBuilderValue Bool(bool v) => new(GgufValueType.Bool, v);

    public static GgufBuilderValue Str(string v) => new(GgufValueType.String, v);

    /// <summary>An array; items are scalars of <paramref name="elementType"/>, or GgufBuilderValue arrays for nested arrays.</summary>
    public static GgufBuilderValue Array(GgufValueType elementType, params object[] items) => new(GgufValueType.Array, items, elementType);
}

/// <summary>Builds GGUF files in memory. Defaults give a valid v3 file; the override properties make it malformed on purpose.</summary>
internal sealed class GgufBuilder
{
    private readonly List<(string Key, Action<BinaryWriter> WriteTypeAndPayload)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    private sealed record Tensor(string Name, ulong[] Dimensions, uint TypeId, ulong? Offset, byte[] Data);

    /// <summary>First u32 of the file.</summary>
    public uint Magic { get; set; } = GgufFile.Magic;

    /// <summary>GGUF version (2 and 3 share the layout written here: u64 counts and lengths).</summary>
    public uint Version { get; set; } = 3;

    /// <summary>Alignment used to place tensor data (set general.alignment with <see cref="WithAlignment"/>).</summary>
    public uint Alignment { get; set; } = 32;

    /// <summary>When set, written instead of the real tensor count.</summary>
    public ulong? TensorCountOverride { get; set; }

    /// <summary>When set, written instead of the real metadata count.</summary>
    public ulong? MetadataCountOverride { get; set; }

    /// <summary>Adds a metadata key/value.</summary>
    public GgufBuilder Add(string key, GgufBuilderValue value)
    {
        _metadata.Add((key, w =>
        {
            w.Write((uint)value.Type);
            WritePayload(w, value.Type, value.Value, value.ElementType);
        }
        ));
        return this;
    }

    /// <summary>Adds a key with an arbitrary type tag and raw payload bytes (for malformed values).</summary>
    public GgufBuilder AddRaw(string key, uint typeTag, byte[] payload)
    {
        _metadata.Add((key, w =>
        {
            w.Write(typeTag);
            w.Write(payload);
        }
        ));
        return this;
    }

    /// <summary>Sets general.alignment (u32) and places tensor data with it.</summary>
    public GgufBuilder WithAlignment(uint alignment)
    {
        Alignment = alignment;
        return Add("general.alignment", GgufBuilderValue.U32(alignment));
    }

    /// <summary>Adds a tensor whose data is <paramref name="data"/> (zeros of the right size when null) at the next aligned offset, or at <paramref name="offset"/>.</summary>
    public GgufBuilder AddTensor(string name, ulong[] dimensions, GgmlType type, byte[]? data = null, ulong? offset = null) =>
        AddTensor(name, dimensions, (uint)type, data ?? new byte[SizeOf(type, dimensions)], offset);

    /// <summary>Adds a tensor with a raw type id (may be unknown) and explicit data.</summary>
    public GgufBuilder AddTensor(string name, ulong[] dimensions, uint typeId, byte[] data, ulong? offset = null)
    {
        _tensors.Add(new Tensor(name, dimensions, typeId, offset, data));
        return this;
    }

    /// <summary>Bytes a tensor of <paramref name="type"/> and shape needs.</summary>
    public static long SizeOf(GgmlType type, ulong[] dimensions)
    {
        long elements = 1;
        foreach (ulong d in dimensions)
        {
            elements *= (long)d;
        }

        return elements / GgmlTypeInfo.BlockElements(type) * GgmlTypeInfo.BlockBytes(type);
    }

    /// <summary>Tensors placed beyond this relative offset get an info entry but no data.</summary>
    public const ulong MaxWrittenOffset = 1UL << 30;

    /// <summary>Absolute offset of tensor data in the last <see cref="Build"/> result.</summary>
    public long DataOffset { get; private set; }

    /// <summary>The file's bytes.</summary>
    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(TensorCountOverride ?? (ulong)_tensors.Count);
        w.Write(MetadataCountOverride ?? (ulong)_metadata.Count);
        foreach (var (key, write) in _metadata)
        {
            WriteString(w, key);
            write(w);
        }

        var offsets = new ulong[_tensors.Count];
        ulong next = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            offsets[i] = t.Offset ?? next;
            next = AlignUp(offsets[i] + (ulong)t.Data.Length, Alignment);
            WriteString(w, t.Name);
            w.Write((uint)t.Dimensions.Length);
            foreach (ulong d in t.Dimensions)
            {
                w.Write(d);
            }

            w.Write(t.TypeId);
            w.Write(offsets[i]);
        }

        w.Flush();
        DataOffset = (long)AlignUp((ulong)stream.Length, Alignment);
        if (_tensors.Count > 0)
        {
            stream.SetLength(DataOffset);
            for (int i = 0; i < _tensors.Count; i++)
            {
                if (offsets[i] > MaxWrittenOffset)
                {
                    continue; // a deliberately absurd offset: describe it, write no data
                }

                long end = DataOffset + (long)offsets[i] + _tensors[i].Data.Length;
                if (stream.Length < end)
                {
                    stream.SetLength(end);
                }

                stream.Position = DataOffset + (long)offsets[i];
                stream.Write(_tensors[i].Data);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Writes the file to a new temporary path and returns it; the caller deletes it (see <see cref="TempGguf"/>).</summary>
    public TempGguf WriteTemp() => new(Build());

    /// <summary>u64 little-endian bytes, for raw payloads.</summary>
    public static byte[] U64Bytes(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>u32 little-endian bytes, for raw payloads.</summary>
    public static byte[] U32Bytes(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static ulong AlignUp(ulong value, uint alignment) => alignment == 0 ? value : (value + alignment - 1) / alignment * alignment;

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WritePayload(BinaryWriter w, GgufValueType type, object value, GgufValueType elementType)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write(Convert.ToByte(value)); break;
            case GgufValueType.Int8: w.Write(Convert.ToSByte(value)); break;
            case GgufValueType.UInt16: w.Write(Convert.ToUInt16(value)); break;
            case GgufValueType.Int16: w.Write(Convert.ToInt16(value)); break;
            case GgufValueType.UInt32: w.Write(Convert.ToUInt32(value)); break;
            case GgufValueType.Int32: w.Write(Convert.ToInt32(value)); break;
            case GgufValueType.UInt64: w.Write(Convert.ToUInt64(value)); break;
            case GgufValueType.Int64: w.Write(Convert.ToInt64(value)); break;
            case GgufValueType.Float32: w.Write(Convert.ToSingle(value)); break;
            case GgufValueType.Float64: w.Write(Convert.ToDouble(value)); break;
            case GgufValueType.Bool: w.Write((byte)(Convert.ToBoolean(value) ? 1 : 0)); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.Array:
                var items = (object[])value;
                w.Write((uint)elementType);
                w.Write((ulong)items.Length);
                foreach (object item in items)
                {
                    if (elementType == GgufValueType.Array)
                    {
                        // An array element of an array carries no type tag: element type, count, items.
                        var inner = (GgufBuilderValue)item;
                        WritePayload(w, GgufValueType.Array, inner.Value, inner.ElementType);
                    }
                    else
                    {
                        WritePayload(w, elementType, item, GgufValueType.UInt8);
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown GGUF value type");
        }
    }
}

/// <summary>A temporary file holding GGUF bytes, deleted on dispose.</summary>
internal sealed class TempGguf : IDisposable
{
    public TempGguf(byte[] bytes)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"strata-gguf-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(Path, bytes);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
