// Sequential little-endian reader over a mapped file that checks every read against the bytes left.
using System.Buffers.Binary;
using System.Text;
using Strata.Substrate;

namespace Strata.Engine.Artifacts;

/// <summary>Reads primitives from a mapped file; any short read throws <see cref="ModelFormatException"/> naming the field.</summary>
internal sealed class GgufCursor(MappedFile file)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public long Position { get; set; }

    public long Remaining => file.LengthBytes - Position;

    public string FileName => Path.GetFileName(file.Path);

    public ReadOnlySpan<byte> Take(long count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw new ModelFormatException(
                $"{FileName}: {field} needs {count} bytes at offset {Position}, file has {Remaining} left (truncated or corrupt file?)");
        }

        if (count > int.MaxValue)
        {
            throw new ModelFormatException($"{FileName}: {field} is {count} bytes at offset {Position}; at most {int.MaxValue} supported");
        }

        var span = file.Span(Position, (int)count);
        Position += count;
        return span;
    }

    public void Skip(long count, string field) => Take(count, field);

    public byte U8(string field) => Take(1, field)[0];

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public int I32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public float F32(string field) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, field));

    public double F64(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));

    /// <summary>A u64 count that must fit in the bytes left given each item needs at least minItemBytes.</summary>
    public long Count(string field, long minItemBytes)
    {
        long start = Position;
        ulong count = U64(field);
        if (count > (ulong)long.MaxValue || (minItemBytes > 0 && (long)count > Remaining / minItemBytes))
        {
            throw new ModelFormatException(
                $"{FileName}: {field} at offset {start} is {count}, but only {Remaining} bytes follow (at least {minItemBytes} bytes each)");
        }

        return (long)count;
    }

    public string String(string field)
    {
        long length = Count(field + " length", 1);
        var bytes = Take(length, field);
        return StrictUtf8.GetString(bytes);
    }
}
