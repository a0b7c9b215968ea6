// GPT-2's reversible byte ↔ printable-character mapping used by byte-level BPE vocabularies.
namespace Strata.Engine.Tokenizers;

/// <summary>
/// Bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF map to the same code point; the other 68 bytes map, in order, to
/// U+0100, U+0101, ... (so space 0x20 is "Ġ" U+0120 and newline 0x0A is "Ċ" U+010A).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] CharByByte = BuildCharByByte();
    private static readonly short[] ByteByChar = BuildByteByChar();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => CharByByte[value];

    /// <summary>The byte a character stands for, or -1 when it is not in the alphabet.</summary>
    public static int ToByte(char c) => c < ByteByChar.Length ? ByteByChar[c] : -1;

    private static char[] BuildCharByByte()
    {
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= 0x21 and <= 0x7E) or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + next++);
        }

        return map;
    }

    private static short[] BuildByteByChar()
    {
        var map = new short[512];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < 256; b++)
        {
            map[CharByByte[b]] = (short)b;
        }

        return map;
    }
}
