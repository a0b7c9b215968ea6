// Seeded mutations of a protobuf file for the ONNX fuzz test: bit flips, byte replacements, insertions, deletions and
// corrupted length varints, half of them in the first 64 KiB (header and node section), half anywhere.
using Google.Protobuf;

namespace Strata.Compiler.Tests.Onnx;

internal sealed class OnnxFuzzMutator
{
    private const int HeadBytes = 64 * 1024;
    private readonly byte[] _original;
    private readonly List<(int Start, int Length)> _lengthVarints = [];

    public OnnxFuzzMutator(byte[] original)
    {
        _original = original;
        CollectLengthVarints(original, 0, original.Length, 0);
    }

    /// <summary>Length-delimited fields found by walking every payload that parses as a message.</summary>
    public int LengthVarintCount => _lengthVarints.Count;

    public (string Kind, byte[] Bytes) Mutate(Random random)
    {
        int limit = random.Next(2) == 0 ? Math.Min(HeadBytes, _original.Length) : _original.Length;
        int at = random.Next(limit);
        switch (random.Next(5))
        {
            case 0:
                {
                    byte[] copy = (byte[])_original.Clone();
                    int flips = 1 + random.Next(4);
                    for (int i = 0; i < flips; i++)
                    {
                        copy[random.Next(limit)] ^= (byte)(1 << random.Next(8));
                    }

                    return ("bit flip", copy);
                }

            case 1:
                {
                    byte[] copy = (byte[])_original.Clone();
                    int count = 1 + random.Next(8);
                    for (int i = 0; i < count && at + i < copy.Length; i++)
                    {
                        copy[at + i] = (byte)random.Next(256);
                    }

                    return ("byte replacement", copy);
                }

            case 2:
                {
                    byte[] inserted = new byte[1 + random.Next(16)];
                    random.NextBytes(inserted);
                    return ("insertion", [.. _original.AsSpan(0, at), .. inserted, .. _original.AsSpan(at)]);
                }

            case 3:
                {
                    int count = Math.Min(1 + random.Next(16), _original.Length - at);
                    return ("deletion", [.. _original.AsSpan(0, at), .. _original.AsSpan(at + count)]);
                }

            default:
                return ("length varint", CorruptLengthVarint(random));
        }
    }

    // Replaces one field's length with a nearby, zero, or huge value, or makes its varint run on.
    private byte[] CorruptLengthVarint(Random random)
    {
        var candidates = _lengthVarints.Where(v => v.Start < HeadBytes).ToList();
        var (start, length) = (random.Next(2) == 0 ? candidates : _lengthVarints)[random.Next(random.Next(2) == 0 ? candidates.Count : _lengthVarints.Count)];
        ulong value = new CodedInputStream(_original, start, length).ReadUInt64();
        ulong corrupted = random.Next(6) switch
        {
            0 => value + 1,
            1 => value == 0 ? 1 : value - 1,
            2 => 0,
            3 => 0xFFFF_FFFF,
            4 => value + (ulong)random.Next(1, 100_000),
            _ => ulong.MaxValue,
        };
        byte[] encoded = new byte[CodedOutputStream.ComputeUInt64Size(corrupted)];
        new CodedOutputStream(encoded).WriteUInt64(corrupted);
        return [.. _original.AsSpan(0, start), .. encoded, .. _original.AsSpan(start + length)];
    }

    // Walks [start, end) as a message; descends into each length-delimited payload that itself parses as a message.
    private bool CollectLengthVarints(byte[] bytes, int start, int end, int depth)
    {
        var found = new List<(int, int)>();
        var nested = new List<(int, int)>();
        int position = start;
        while (position < end)
        {
            if (!TryVarint(bytes, ref position, end, out ulong tag) || tag >> 3 == 0)
            {
                return false;
            }

            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryVarint(bytes, ref position, end, out _))
                    {
                        return false;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    int lengthStart = position;
                    if (!TryVarint(bytes, ref position, end, out ulong length) || length > (ulong)(end - position))
                    {
                        return false;
                    }

                    found.Add((lengthStart, position - lengthStart));
                    nested.Add((position, (int)length));
                    position += (int)length;
                    break;
                default:
                    return false;
            }
        }

        if (position != end)
        {
            return false;
        }

        _lengthVarints.AddRange(found);
        foreach (var (payload, length) in nested)
        {
            if (depth < 8 && length > 1 && length < 1 << 20)
            {
                _ = CollectLengthVarints(bytes, payload, payload + length, depth + 1);
            }
        }

        return true;
    }

    private static bool TryVarint(byte[] bytes, ref int position, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && position < end; shift += 7)
        {
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
