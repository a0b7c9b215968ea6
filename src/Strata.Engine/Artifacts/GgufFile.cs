// GGUF v2/v3 reader: header, metadata (every value type, nested arrays), tensor infos and alignment, all validated.
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Engine.Artifacts;

/// <summary>
/// An opened GGUF file. Metadata is decoded eagerly; tensor data stays in the copy or mapping and is reached through
/// <see cref="TensorAddress"/>. Spec: github.com/ggml-org/ggml/blob/master/docs/gguf.md.
/// </summary>
public sealed class GgufFile : IDisposable
{
    /// <summary>"GGUF" read as a little-endian u32.</summary>
    public const uint Magic = 0x46554747;

    private const int MaxDimensions = 4;
    private const int MaxArrayDepth = 8;
    private const uint DefaultAlignment = 32;

    private readonly MappedFile _file;
    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(MappedFile file, uint version, Dictionary<string, GgufValue> metadata, List<GgufTensorInfo> tensors,
        uint alignment, long dataOffsetBytes)
    {
        _file = file;
        Version = version;
        _metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffsetBytes = dataOffsetBytes;
        _tensorsByName = new Dictionary<string, GgufTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            _tensorsByName[t.Name] = t;
        }
    }

    /// <summary>Path of the file.</summary>
    public string Path => _file.Path;

    /// <summary>The file's bytes as loaded (copied or mapped).</summary>
    internal MappedFile Bytes => _file;

    /// <summary>Size of the file in bytes.</summary>
    public long LengthBytes => _file.LengthBytes;

    /// <summary>GGUF version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Tensor data alignment in bytes.</summary>
    public uint Alignment { get; }

    /// <summary>Absolute offset where tensor data starts.</summary>
    public long DataOffsetBytes { get; }

    /// <summary>Metadata in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;

    /// <summary>Tensor descriptors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Opens, maps and validates a GGUF file.</summary>
    /// <exception cref="ModelFormatException">the file is not a valid GGUF v2/v3 file</exception>
    public static GgufFile Open(string path) => Open(path, FileLoad.Map);

    /// <summary>Opens a GGUF file, copied into memory or mapped as <paramref name="load"/> says, and validates it.</summary>
    /// <exception cref="ModelFormatException">the file is not a valid GGUF v2/v3 file</exception>
    /// <exception cref="IOException">the file changed while it was being copied</exception>
    public static GgufFile Open(string path, FileLoad load)
    {
        var file = MappedFile.Open(path, load);
        try
        {
            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when the file starts with the GGUF magic.</summary>
    public static bool HasMagic(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head) == Magic;
    }

    private static GgufFile Parse(MappedFile file)
    {
        var cursor = new GgufCursor(file);
        string name = cursor.FileName;
        uint magic = cursor.U32("magic");
        if (magic != Magic)
        {
            throw new ModelFormatException($"{name}: magic is 0x{magic:X8}, expected 0x{Magic:X8} (\"GGUF\"); not a GGUF file");
        }

        uint version = cursor.U32("version");
        if (version is not (2 or 3))
        {
            string hint = version > 0xFFFF ? " (a big-endian GGUF? only little-endian is supported)" : string.Empty;
            throw new ModelFormatException($"{name}: version is {version}, expected 2 or 3{hint}");
        }

        long tensorCount = cursor.Count("tensor_count", 8 + 4 + 4 + 8);
        long kvCount = cursor.Count("metadata_kv_count", 8 + 4);
        var metadata = new Dictionary<string, GgufValue>((int)Math.Min(kvCount, 1 << 16), StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            string key = cursor.String($"metadata[{i}].key");
            var type = (GgufValueType)cursor.U32($"metadata '{key}' type");
            var value = ReadValue(cursor, type, $"metadata '{key}'", 0);
            if (!metadata.TryAdd(key, value))
            {
                throw new ModelFormatException($"{name}: metadata key '{key}' appears twice");
            }
        }

        uint alignment = ReadAlignment(name, metadata);
        var tensors = ReadTensorInfos(cursor, tensorCount);
        long dataOffset = AlignUp(cursor.Position, alignment);
        if (tensorCount > 0 && dataOffset > file.LengthBytes)
        {
            throw new ModelFormatException(
                $"{name}: tensor data should start at offset {dataOffset}, file has {file.LengthBytes} bytes (truncated file?)");
        }

        var placed = PlaceTensors(name, tensors, alignment, dataOffset, file.LengthBytes);
        return new GgufFile(file, version, metadata, placed, alignment, dataOffset);
    }

    private static uint ReadAlignment(string name, Dictionary<string, GgufValue> metadata)
    {
        if (!metadata.TryGetValue("general.alignment", out var value))
        {
            return DefaultAlignment;
        }

        if (!value.TryGetInt64(out long alignment) || alignment <= 0 || alignment > 1 << 20 || (alignment & (alignment - 1)) != 0)
        {
            throw new ModelFormatException($"{name}: general.alignment is {value}, expected a power of two between 1 and 1048576");
        }

        return (uint)alignment;
    }

    private readonly record struct RawTensor(string Name, long[] Dimensions, GgmlType Type, ulong RelativeOffset);

    private static List<RawTensor> ReadTensorInfos(GgufCursor cursor, long tensorCount)
    {
        var list = new List<RawTensor>((int)Math.Min(tensorCount, 1 << 16));
        for (long i = 0; i < tensorCount; i++)
        {
            string tensorName = cursor.String($"tensor[{i}].name");
            string where = $"tensor '{tensorName}'";
            uint dimCount = cursor.U32($"{where} n_dims");
            if (dimCount is 0 or > MaxDimensions)
            {
                throw new ModelFormatException($"{cursor.FileName}: {where} n_dims is {dimCount}, expected 1 to {MaxDimensions}");
            }

            var dims = new long[dimCount];
            for (int d = 0; d < dimCount; d++)
            {
                ulong extent = cursor.U64($"{where} ne[{d}]");
                if (extent > int.MaxValue)
                {
                    throw new ModelFormatException($"{cursor.FileName}: {where} ne[{d}] is {extent}, expected at most {int.MaxValue}");
                }

                dims[d] = (long)extent;
            }

            uint typeId = cursor.U32($"{where} type");
            var type = (GgmlType)typeId;
            if (!Enum.IsDefined(type) || !GgmlTypeInfo.IsKnown(type))
            {
                throw new ModelFormatException($"{cursor.FileName}: {where} has type id {typeId}, which Strata does not know");
            }

            ulong offset = cursor.U64($"{where} offset");
            list.Add(new RawTensor(tensorName, dims, type, offset));
        }

        return list;
    }

    private static List<GgufTensorInfo> PlaceTensors(string name, List<RawTensor> raw, uint alignment, long dataOffset, long fileBytes)
    {
        var placed = new List<GgufTensorInfo>(raw.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in raw)
        {
            string where = $"{name}: tensor '{t.Name}'";
            if (!seen.Add(t.Name))
            {
                throw new ModelFormatException($"{where} appears twice");
            }

            long elements = 1;
            foreach (long d in t.Dimensions)
            {
                if (d != 0 && elements > long.MaxValue / d)
                {
                    throw new ModelFormatException($"{where} has {string.Join(" x ", t.Dimensions)} elements, which overflows");
                }

                elements *= d;
            }

            int blockElements = GgmlTypeInfo.BlockElements(t.Type);
            if (t.Dimensions[0] % blockElements != 0)
            {
                throw new ModelFormatException(
                    $"{where} row length ne[0] is {t.Dimensions[0]}, expected a multiple of {blockElements} for type {t.Type}");
            }

            long sizeBytes = elements / blockElements * GgmlTypeInfo.BlockBytes(t.Type);
            if (t.RelativeOffset % alignment != 0)
            {
                throw new ModelFormatException($"{where} offset is {t.RelativeOffset}, expected a multiple of the alignment {alignment}");
            }

            if (t.RelativeOffset > (ulong)(fileBytes - dataOffset) || sizeBytes > fileBytes - dataOffset - (long)t.RelativeOffset)
            {
                throw new ModelFormatException(
                    $"{where} needs {sizeBytes} bytes at offset {dataOffset + (long)t.RelativeOffset}, file has {fileBytes} bytes (truncated file?)");
            }

            placed.Add(new GgufTensorInfo(t.Name, t.Dimensions, t.Type, dataOffset + (long)t.RelativeOffset, sizeBytes));
        }

        return placed;
    }

    private static long AlignUp(long value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private static GgufValue ReadValue(GgufCursor c, GgufValueType type, string field, int depth) => type switch
    {
        GgufValueType.UInt8 => new GgufValue(type, (ulong)c.U8(field)),
        GgufValueType.Int8 => new GgufValue(type, (long)(sbyte)c.U8(field)),
        GgufValueType.UInt16 => new GgufValue(type, (ulong)c.U16(field)),
        GgufValueType.Int16 => new GgufValue(type, (long)(short)c.U16(field)),
        GgufValueType.UInt32 => new GgufValue(type, (ulong)c.U32(field)),
        GgufValueType.Int32 => new GgufValue(type, (long)c.I32(field)),
        GgufValueType.UInt64 => new GgufValue(type, c.U64(field)),
        GgufValueType.Int64 => new GgufValue(type, (long)c.U64(field)),
        GgufValueType.Float32 => new GgufValue(type, (double)c.F32(field)),
        GgufValueType.Float64 => new GgufValue(type, c.F64(field)),
        GgufValueType.Bool => new GgufValue(type, ReadBool(c, field)),
        GgufValueType.String => new GgufValue(type, c.String(field)),
        GgufValueType.Array => ReadArray(c, field, depth),
        _ => throw new ModelFormatException($"{c.FileName}: {field} has value type {(uint)type}, expected 0 to 12"),
    };

    private static bool ReadBool(GgufCursor c, string field)
    {
        long at = c.Position;
        byte b = c.U8(field);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new ModelFormatException($"{c.FileName}: {field} at offset {at} is bool byte {b}, expected 0 or 1"),
        };
    }

    private static GgufValue ReadArray(GgufCursor c, string field, int depth)
    {
        if (depth >= MaxArrayDepth)
        {
            throw new ModelFormatException($"{c.FileName}: {field} nests arrays deeper than {MaxArrayDepth}");
        }

        var elementType = (GgufValueType)c.U32(field + " element type");
        long minBytes = ElementMinBytes(elementType);
        if (minBytes == 0)
        {
            throw new ModelFormatException($"{c.FileName}: {field} has element type {(uint)elementType}, expected 0 to 12");
        }

        long count = c.Count(field + " count", minBytes);
        int n = (int)Math.Min(count, int.MaxValue);
        if (count > int.MaxValue)
        {
            throw new ModelFormatException($"{c.FileName}: {field} count is {count}, at most {int.MaxValue} supported");
        }

        object values = elementType switch
        {
            GgufValueType.UInt8 => c.Take(n, field).ToArray(),
            GgufValueType.Int8 => ReadMany(n, i => (sbyte)c.U8(field)),
            GgufValueType.UInt16 => ReadMany(n, i => c.U16(field)),
            GgufValueType.Int16 => ReadMany(n, i => (short)c.U16(field)),
            GgufValueType.UInt32 => ReadMany(n, i => c.U32(field)),
            GgufValueType.Int32 => ReadMany(n, i => c.I32(field)),
            GgufValueType.UInt64 => ReadMany(n, i => c.U64(field)),
            GgufValueType.Int64 => ReadMany(n, i => (long)c.U64(field)),
            GgufValueType.Float32 => ReadMany(n, i => c.F32(field)),
            GgufValueType.Float64 => ReadMany(n, i => c.F64(field)),
            GgufValueType.Bool => ReadMany(n, i => ReadBool(c, $"{field}[{i}]")),
            GgufValueType.String => ReadMany(n, i => c.String($"{field}[{i}]")),
            _ => ReadMany(n, i => ReadArray(c, $"{field}[{i}]", depth + 1)),
        };
        return new GgufValue(GgufValueType.Array, values, elementType);
    }

    private static T[] ReadMany<T>(int count, Func<int, T> read)
    {
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = read(i);
        }

        return values;
    }

    private static long ElementMinBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => 0,
    };

    /// <summary>Finds a tensor by name.</summary>
    public bool TryGetTensor(string tensorName, out GgufTensorInfo tensor) => _tensorsByName.TryGetValue(tensorName, out tensor!);

    /// <summary>Address of a tensor's first byte in the mapping (valid while this file is open).</summary>
    public nint TensorAddress(GgufTensorInfo tensor) => _file.Address(tensor.OffsetBytes, tensor.SizeBytes);

    /// <summary>Takes the whole pages of a range of the file out of the resident set (<see cref="MappedFile.DropResident"/>).</summary>
    public long DropResident(nint address, long bytes) => _file.DropResident(address, bytes);

    /// <summary>A tensor's bytes, when it is under 2 GiB.</summary>
    public ReadOnlySpan<byte> TensorBytes(GgufTensorInfo tensor) => _file.Span(tensor.OffsetBytes, checked((int)tensor.SizeBytes));

    /// <summary>Metadata lookup.</summary>
    public bool TryGetValue(string key, out GgufValue value) => _metadata.TryGetValue(key, out value!);

    /// <summary>Reads a required integer metadata key, naming it when absent or of the wrong type.</summary>
    public long GetInteger(string key)
    {
        if (!_metadata.TryGetValue(key, out var v))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(Path)}: metadata '{key}' is missing");
        }

        if (!v.TryGetInt64(out long value))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(Path)}: metadata '{key}' is {v.Type} '{v}', expected an integer");
        }

        return value;
    }

    /// <summary>Reads an optional float/int metadata key as double.</summary>
    public double GetDouble(string key, double fallback)
    {
        if (!_metadata.TryGetValue(key, out var v))
        {
            return fallback;
        }

        if (!v.TryGetDouble(out double value))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(Path)}: metadata '{key}' is {v.Type} '{v}', expected a number");
        }

        return value;
    }

    /// <summary>Reads an optional string metadata key.</summary>
    public string? GetString(string key)
    {
        if (!_metadata.TryGetValue(key, out var v))
        {
            return null;
        }

        if (!v.TryGetString(out string s))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(Path)}: metadata '{key}' is {v.Type}, expected a string");
        }

        return s;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
