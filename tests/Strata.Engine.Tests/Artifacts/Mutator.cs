// Seeded byte-level mutations of a model file: bit flips, interesting values, truncation, slice duplication/deletion.
using System.Buffers.Binary;
using System.Text;

namespace Strata.Engine.Tests.Artifacts;

/// <summary>
/// Mutates a copy of <c>original</c> into a reused buffer. Positions fall 80% of the time in the first
/// <see cref="HeaderRegion"/> bytes (headers, metadata, tokenizer) and 20% anywhere.
/// </summary>
internal sealed class Mutator
{
    public const int HeaderRegion = 64 * 1024;
    private const int MaxSlice = 512;

    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
    private static readonly uint[] Interesting32 = [0xFFFFFFFF, 0x80000000, int.MaxValue, 0, 1, 0x7FFF, 0x10000, 0xFFFFFFFE];
    private static readonly ulong[] Interesting64 =
        [ulong.MaxValue, 0x8000000000000000, long.MaxValue, int.MaxValue, 0x80000000, 1UL << 60, 1UL << 32, 0];

    private readonly byte[] _original;
    private readonly Random _random;
    private readonly StringBuilder _description = new();

    public Mutator(byte[] original, Random random)
    {
        _original = original;
        _random = random;
        Buffer = new byte[original.Length + MaxSlice];
    }

    /// <summary>The mutant; valid bytes are [0, length) as returned by <see cref="Next"/>.</summary>
    public byte[] Buffer { get; }

    /// <summary>What the last <see cref="Next"/> did.</summary>
    public string Description => _description.ToString();

    /// <summary>Makes the next mutant in <see cref="Buffer"/> and returns its length.</summary>
    public int Next()
    {
        _description.Clear();
        _original.CopyTo(Buffer, 0);
        int length = _original.Length;
        int kind = _random.Next(100);
        if (kind < 40)
        {
            int flips = _random.Next(1, 9);
            _description.Append("flip");
            for (int i = 0; i < flips; i++)
            {
                int at = Position(length);
                int bit = _random.Next(8);
                Buffer[at] ^= (byte)(1 << bit);
                _description.Append(' ').Append(at).Append('.').Append(bit);
            }
        }
        else if (kind < 80)
        {
            int writes = _random.Next(1, 9);
            _description.Append("set");
            for (int i = 0; i < writes; i++)
            {
                int width = _random.Next(3) switch { 0 => 1, 1 => 4, _ => 8 };
                int at = Position(length - width + 1);
                if (width > 1 && _random.Next(2) == 0)
                {
                    at &= ~(width == 8 ? 7 : 3); // aligned writes hit whole fields more often
                }

                ulong value = width switch
                {
                    1 => InterestingBytes[_random.Next(InterestingBytes.Length)],
                    4 => Interesting32[_random.Next(Interesting32.Length)],
                    _ => Interesting64[_random.Next(Interesting64.Length)],
                };
                switch (width)
                {
                    case 1: Buffer[at] = (byte)value; break;
                    case 4: BinaryPrimitives.WriteUInt32LittleEndian(Buffer.AsSpan(at), (uint)value); break;
                    default: BinaryPrimitives.WriteUInt64LittleEndian(Buffer.AsSpan(at), value); break;
                }

                _description.Append(' ').Append(at).Append('=').Append(width).Append(":0x").Append(value.ToString("X"));
            }
        }
        else if (kind < 90)
        {
            // Mostly short files (headers cut), sometimes anywhere.
            length = _random.Next(2) == 0 ? _random.Next(Math.Min(length, HeaderRegion)) : _random.Next(length);
            _description.Append("truncate ").Append(length);
        }
        else
        {
            int region = Math.Min(length, HeaderRegion);
            int start = _random.Next(region);
            int count = Math.Min(_random.Next(1, MaxSlice + 1), length - start);
            if (_random.Next(2) == 0)
            {
                System.Buffer.BlockCopy(_original, start, Buffer, start + count, length - start);
                length += count;
                _description.Append("duplicate ").Append(start).Append('+').Append(count);
            }
            else
            {
                System.Buffer.BlockCopy(_original, start + count, Buffer, start, length - start - count);
                length -= count;
                _description.Append("delete ").Append(start).Append('+').Append(count);
            }
        }

        return length;
    }

    private int Position(int length) => _random.Next(100) < 80 ? _random.Next(Math.Min(length, HeaderRegion)) : _random.Next(length);
}
