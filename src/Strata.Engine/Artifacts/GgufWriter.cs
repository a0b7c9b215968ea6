// Writes GGUF v3 files: typed metadata, tensor infos with aligned offsets, then tensor data streamed from producers.
using System.Text;
using Strata.Kernels;

namespace Strata.Engine.Artifacts;

/// <summary>
/// Builds a GGUF v3 file. Add metadata and tensors (each with a callback that writes exactly its bytes), then
/// <see cref="Write"/> lays out header, metadata, tensor infos and 32-byte-aligned data in one pass.
/// </summary>
public sealed class GgufWriter
{
    private const uint Alignment = 32;
    private readonly List<(string Key, GgufValueType Type, object Value, GgufValueType ElementType)> _metadata = [];
    private readonly List<(string Name, long[] Dimensions, GgmlType Type, Action<Stream> Write)> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    /// <summary>Adds a string value.</summary>
    public GgufWriter Add(string key, string value) => AddRaw(key, GgufValueType.String, value);

    /// <summary>Adds a u32 value.</summary>
    public GgufWriter Add(string key, uint value) => AddRaw(key, GgufValueType.UInt32, value);

    /// <summary>Adds an f32 value.</summary>
    public GgufWriter Add(string key, float value) => AddRaw(key, GgufValueType.Float32, value);

    /// <summary>Adds a bool value.</summary>
    public GgufWriter Add(string key, bool value) => AddRaw(key, GgufValueType.Bool, value);

    /// <summary>Adds an array of strings.</summary>
    public GgufWriter Add(string key, string[] values) => AddRaw(key, GgufValueType.Array, values, GgufValueType.String);

    /// <summary>Adds an array of f32.</summary>
    public GgufWriter Add(string key, float[] values) => AddRaw(key, GgufValueType.Array, values, GgufValueType.Float32);

    /// <summary>Adds an array of i32.</summary>
    public GgufWriter Add(string key, int[] values) => AddRaw(key, GgufValueType.Array, values, GgufValueType.Int32);

    /// <summary>Copies a value read from another GGUF file (any type, including nested arrays).</summary>
    public GgufWriter Add(string key, GgufValue value) => AddRaw(key, value.Type, value.Raw, value.ElementType);

    /// <summary>Adds a tensor; <paramref name="write"/> must write exactly its size in bytes.</summary>
    public GgufWriter AddTensor(string name, long[] dimensions, GgmlType type, Action<Stream> write)
    {
        foreach (var t in _tensors)
        {
            if (t.Name == name)
            {
                throw new ArgumentException($"tensor '{name}' added twice", nameof(name));
            }
        }

        _tensors.Add((name, dimensions, type, write));
        return this;
    }

    /// <summary>Bytes a tensor of this shape and type occupies.</summary>
    public static long TensorBytes(long[] dimensions, GgmlType type)
    {
        long rows = 1;
        for (int d = 1; d < dimensions.Length; d++)
        {
            rows *= dimensions[d];
        }

        return GgmlTypeInfo.RowBytes(type, dimensions[0]) * rows;
    }

    /// <summary>Writes the file.</summary>
    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, value, elementType) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value, elementType);
        }

        long offset = 0;
        var offsets = new long[_tensors.Count];
        for (int i = 0; i < _tensors.Count; i++)
        {
            var (name, dims, type, _) = _tensors[i];
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims)
            {
                w.Write((ulong)d);
            }

            w.Write((uint)type);
            w.Write((ulong)offset);
            offsets[i] = offset;
            offset = AlignUp(offset + TensorBytes(dims, type));
        }

        w.Flush();
        Pad(stream);
        long dataStart = stream.Position;
        for (int i = 0; i < _tensors.Count; i++)
        {
            var (name, dims, type, write) = _tensors[i];
            long before = stream.Position;
            write(stream);
            long written = stream.Position - before;
            if (written != TensorBytes(dims, type) || before - dataStart != offsets[i])
            {
                throw new InvalidOperationException($"tensor '{name}' wrote {written} bytes, expected {TensorBytes(dims, type)}");
            }

            Pad(stream);
        }
    }

    private GgufWriter AddRaw(string key, GgufValueType type, object value, GgufValueType elementType = GgufValueType.UInt8)
    {
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"metadata key '{key}' added twice", nameof(key));
        }

        _metadata.Add((key, type, value, elementType));
        return this;
    }

    private static long AlignUp(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream stream)
    {
        long padding = AlignUp(stream.Position) - stream.Position;
        for (long i = 0; i < padding; i++)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value, GgufValueType elementType)
    {
        switch (type)
        {
            case GgufValueType.String:
                WriteString(w, (string)value);
                break;
            case GgufValueType.Bool:
                w.Write((bool)value ? (byte)1 : (byte)0);
                break;
            case GgufValueType.Float32:
                w.Write(value is double d ? (float)d : (float)value);
                break;
            case GgufValueType.Float64:
                w.Write((double)value);
                break;
            case GgufValueType.UInt8 or GgufValueType.UInt16 or GgufValueType.UInt32 or GgufValueType.UInt64:
                WriteUnsigned(w, type, Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case GgufValueType.Int8 or GgufValueType.Int16 or GgufValueType.Int32 or GgufValueType.Int64:
                WriteSigned(w, type, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case GgufValueType.Array:
                var array = (Array)value;
                w.Write((uint)elementType);
                w.Write((ulong)array.LongLength);
                foreach (object? item in array)
                {
                    if (item is GgufValue nested)
                    {
                        WriteValue(w, nested.Type, nested.Raw, nested.ElementType);
                    }
                    else
                    {
                        WriteValue(w, elementType, item!, GgufValueType.UInt8);
                    }
                }

                break;
            default:
                throw new ArgumentException($"metadata value type {type} cannot be written", nameof(type));
        }
    }

    private static void WriteUnsigned(BinaryWriter w, GgufValueType type, ulong v)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)v); break;
            case GgufValueType.UInt16: w.Write((ushort)v); break;
            case GgufValueType.UInt32: w.Write((uint)v); break;
            default: w.Write(v); break;
        }
    }

    private static void WriteSigned(BinaryWriter w, GgufValueType type, long v)
    {
        switch (type)
        {
            case GgufValueType.Int8: w.Write((sbyte)v); break;
            case GgufValueType.Int16: w.Write((short)v); break;
            case GgufValueType.Int32: w.Write((int)v); break;
            default: w.Write(v); break;
        }
    }
}
