// Incremental UTF-8 → UTF-16 decoding of token bytes that never allocates (System.Text.Decoder's replacement
// fallback allocates on every invalid sequence, and byte-fallback tokens produce them).
namespace Strata.Engine.Generation;

/// <summary>
/// Decodes a byte stream split at arbitrary points. Each maximal invalid subsequence becomes one U+FFFD
/// (the Unicode "substitution of maximal subparts" practice, as .NET's UTF8Encoding does).
/// </summary>
public struct Utf8StreamDecoder
{
    private const char Replacement = '\uFFFD';
    private int _codePoint; // bits gathered so far
    private int _needed;    // continuation bytes still expected
    private int _seen;      // bytes of the current sequence consumed
    private byte _lower;    // allowed range of the next continuation byte
    private byte _upper;

    /// <summary>Most chars <see cref="Decode"/> can write for <paramref name="byteCount"/> input bytes.</summary>
    public static int MaxChars(int byteCount) => (2 * byteCount) + 1;

    /// <summary>Decodes <paramref name="bytes"/>; returns the chars written to <paramref name="output"/>.</summary>
    public int Decode(ReadOnlySpan<byte> bytes, Span<char> output)
    {
        int written = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (_needed > 0)
            {
                if (b >= _lower && b <= _upper)
                {
                    _codePoint = (_codePoint << 6) | (b & 0x3F);
                    _seen++;
                    _lower = 0x80;
                    _upper = 0xBF;
                    if (--_needed == 0)
                    {
                        written += Emit(_codePoint, output[written..]);
                    }

                    continue;
                }

                output[written++] = Replacement;
                _needed = 0;
            }

            written += Start(b, output[written..]);
        }

        return written;
    }

    /// <summary>Ends the stream: an unfinished sequence becomes U+FFFD. Returns chars written.</summary>
    public int Flush(Span<char> output)
    {
        if (_needed == 0)
        {
            return 0;
        }

        _needed = 0;
        output[0] = Replacement;
        return 1;
    }

    private int Start(byte b, Span<char> output)
    {
        _seen = 1;
        _lower = 0x80;
        _upper = 0xBF;
        switch (b)
        {
            case < 0x80:
                output[0] = (char)b;
                return 1;
            case >= 0xC2 and <= 0xDF:
                _needed = 1;
                _codePoint = b & 0x1F;
                return 0;
            case >= 0xE0 and <= 0xEF:
                _needed = 2;
                _codePoint = b & 0x0F;
                _lower = b == 0xE0 ? (byte)0xA0 : (byte)0x80; // no overlongs
                _upper = b == 0xED ? (byte)0x9F : (byte)0xBF; // no surrogates
                return 0;
            case >= 0xF0 and <= 0xF4:
                _needed = 3;
                _codePoint = b & 0x07;
                _lower = b == 0xF0 ? (byte)0x90 : (byte)0x80;
                _upper = b == 0xF4 ? (byte)0x8F : (byte)0xBF; // ≤ U+10FFFF
                return 0;
            default:
                output[0] = Replacement;
                return 1;
        }
    }

    private static int Emit(int codePoint, Span<char> output)
    {
        if (codePoint < 0x10000)
        {
            output[0] = (char)codePoint;
            return 1;
        }

        codePoint -= 0x10000;
        output[0] = (char)(0xD800 + (codePoint >> 10));
        output[1] = (char)(0xDC00 + (codePoint & 0x3FF));
        return 2;
    }
}
