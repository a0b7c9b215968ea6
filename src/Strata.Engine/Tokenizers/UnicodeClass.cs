// Code point classes (letter, number, punctuation, whitespace, ...) with the definitions llama.cpp's unicode.cpp uses.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// Unicode classification as llama.cpp sees it: general categories from the Unicode data (here .NET's), and
/// whitespace as the fixed White_Space property list (which, unlike the Z categories, includes tab, newline and U+0085).
/// </summary>
internal static class UnicodeClass
{
    /// <summary>Replacement character used for invalid UTF-16 (lone surrogates).</summary>
    public const int ReplacementCharacter = 0xFFFD;

    /// <summary>Unicode White_Space property.</summary>
    public static bool IsWhitespace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>\p{L}.</summary>
    public static bool IsLetter(int cp)
    {
        if (cp < 0x80)
        {
            return (uint)((cp | 0x20) - 'a') <= 'z' - 'a';
        }

        return Category(cp) <= UnicodeCategory.OtherLetter;
    }

    /// <summary>\p{N}.</summary>
    public static bool IsNumber(int cp)
    {
        if (cp < 0x80)
        {
            return (uint)(cp - '0') <= 9;
        }

        return Category(cp) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>\p{M} (Mn, Mc, Me), llama.cpp's ACCENT_MARK flag.</summary>
    public static bool IsMark(int cp) =>
        cp >= 0x300 && Category(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>\p{P}.</summary>
    public static bool IsPunctuation(int cp) =>
        Category(cp) is >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherPunctuation;

    /// <summary>\p{S}.</summary>
    public static bool IsSymbol(int cp) =>
        Category(cp) is >= UnicodeCategory.MathSymbol and <= UnicodeCategory.OtherSymbol;

    /// <summary>\p{C} without unassigned code points (Cc, Cf, Co, Cs), as llama.cpp's CONTROL flag.</summary>
    public static bool IsControl(int cp) =>
        Category(cp) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;

    /// <summary>Simple lowercase mapping.</summary>
    public static int ToLower(int cp) => cp < 0x80
        ? ((uint)(cp - 'A') <= 'Z' - 'A' ? cp | 0x20 : cp)
        : Rune.IsValid(cp) ? Rune.ToLowerInvariant(new Rune(cp)).Value : cp;

    /// <summary>
    /// Decodes UTF-16 into code points; a lone surrogate becomes U+FFFD (as llama.cpp does for invalid UTF-8).
    /// </summary>
    public static void ToCodepoints(ReadOnlySpan<char> text, List<int> codepoints)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (!char.IsSurrogate(c))
            {
                codepoints.Add(c);
                i++;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codepoints.Add(char.ConvertToUtf32(c, text[i + 1]));
                i += 2;
                continue;
            }

            codepoints.Add(ReplacementCharacter);
            i++;
        }
    }

    /// <summary>Appends the UTF-8 encoding of one code point.</summary>
    public static void AppendUtf8(int cp, List<byte> utf8)
    {
        if (cp < 0x80)
        {
            utf8.Add((byte)cp);
        }
        else if (cp < 0x800)
        {
            utf8.Add((byte)(0xC0 | (cp >> 6)));
            utf8.Add((byte)(0x80 | (cp & 0x3F)));
        }
        else if (cp < 0x10000)
        {
            utf8.Add((byte)(0xE0 | (cp >> 12)));
            utf8.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
            utf8.Add((byte)(0x80 | (cp & 0x3F)));
        }
        else
        {
            utf8.Add((byte)(0xF0 | (cp >> 18)));
            utf8.Add((byte)(0x80 | ((cp >> 12) & 0x3F)));
            utf8.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
            utf8.Add((byte)(0x80 | (cp & 0x3F)));
        }
    }

    private static UnicodeCategory Category(int cp) =>
        (uint)cp <= 0x10FFFF ? CharUnicodeInfo.GetUnicodeCategory(cp) : UnicodeCategory.OtherNotAssigned;
}
