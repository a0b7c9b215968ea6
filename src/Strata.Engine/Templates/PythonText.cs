// Python's str semantics that .NET's string does not share: which characters are space, strip, split, splitlines, title.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>
/// String operations with Python 3's rules, for filters and string methods. Whitespace is <c>str.isspace</c>: .NET's
/// <see cref="char.IsWhiteSpace(char)"/> plus U+001C..U+001F. Indexing by code point lives in <see cref="CodePoints"/>.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace</c> for one character.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>True when every character is space (and there is at least one).</summary>
    public static bool IsAllSpace(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!IsSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>s.strip(chars)</c>: whitespace when <paramref name="chars"/> is null.</summary>
    public static string Strip(string s, string? chars = null) => RStrip(LStrip(s, chars), chars);

    /// <summary><c>s.lstrip(chars)</c></summary>
    public static string LStrip(string s, string? chars = null)
    {
        int i = 0;
        while (i < s.Length && IsStripped(s[i], chars))
        {
            i++;
        }

        return i == 0 ? s : s[i..];
    }

    /// <summary><c>s.rstrip(chars)</c></summary>
    public static string RStrip(string s, string? chars = null)
    {
        int i = s.Length;
        while (i > 0 && IsStripped(s[i - 1], chars))
        {
            i--;
        }

        return i == s.Length ? s : s[..i];
    }

    private static bool IsStripped(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c, StringComparison.Ordinal);

    /// <summary><c>s.split(sep, maxsplit)</c>; a null separator splits on runs of whitespace and drops empty parts.</summary>
    public static List<string> Split(string s, string? separator, long maxSplit)
    {
        if (separator is null)
        {
            return SplitWhitespace(s, maxSplit);
        }

        var parts = new List<string>();
        int from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[from..at]);
            from = at + separator.Length;
        }

        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>Whitespace split from the left; after <paramref name="maxSplit"/> parts the rest is kept as it is.</summary>
    private static List<string> SplitWhitespace(string s, long maxSplit)
    {
        var parts = new List<string>();
        int i = 0;
        while (true)
        {
            while (i < s.Length && IsSpace(s[i]))
            {
                i++;
            }

            if (i >= s.Length)
            {
                return parts;
            }

            if (maxSplit >= 0 && parts.Count >= maxSplit)
            {
                parts.Add(s[i..]);
                return parts;
            }

            int start = i;
            while (i < s.Length && !IsSpace(s[i]))
            {
                i++;
            }

            parts.Add(s[start..i]);
        }
    }

    /// <summary><c>s.rsplit(sep, maxsplit)</c></summary>
    public static List<string> RSplit(string s, string? separator, long maxSplit)
    {
        if (maxSplit < 0)
        {
            return Split(s, separator, maxSplit);
        }

        if (separator is null)
        {
            return RSplitWhitespace(s, maxSplit);
        }

        var parts = new List<string>();
        int to = s.Length;
        while (parts.Count < maxSplit)
        {
            int at = to == 0 ? -1 : s.LastIndexOf(separator, to - 1, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[(at + separator.Length)..to]);
            to = at;
        }

        parts.Add(s[..to]);
        parts.Reverse();
        return parts;
    }

    /// <summary>Whitespace split from the right; after <paramref name="maxSplit"/> parts the rest is kept as it is.</summary>
    private static List<string> RSplitWhitespace(string s, long maxSplit)
    {
        var parts = new List<string>();
        int i = s.Length;
        while (true)
        {
            while (i > 0 && IsSpace(s[i - 1]))
            {
                i--;
            }

            if (i == 0)
            {
                break;
            }

            if (parts.Count >= maxSplit)
            {
                parts.Add(s[..i]);
                break;
            }

            int end = i;
            while (i > 0 && !IsSpace(s[i - 1]))
            {
                i--;
            }

            parts.Add(s[i..end]);
        }

        parts.Reverse();
        return parts;
    }

    /// <summary><c>s.splitlines(keepends)</c>: every Python line boundary, \r\n counted once.</summary>
    public static List<string> SplitLines(string s, bool keepEnds)
    {
        var lines = new List<string>();
        int start = 0;
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (!IsLineBoundary(c))
            {
                i++;
                continue;
            }

            int eol = c == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
            lines.Add(keepEnds ? s[start..eol] : s[start..i]);
            start = i = eol;
        }

        if (start < s.Length)
        {
            lines.Add(s[start..]);
        }

        return lines;
    }

    private static bool IsLineBoundary(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>Python's <c>str.title()</c>: a cased letter after an uncased character is upper-cased, others lowered.</summary>
    public static string Title(string s)
    {
        var text = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            if (char.IsUpper(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter)
            {
                text.Append(previousCased ? char.ToLowerInvariant(c) : c);
                previousCased = true;
            }
            else if (char.IsLower(c))
            {
                text.Append(previousCased ? c : char.ToUpperInvariant(c));
                previousCased = true;
            }
            else
            {
                text.Append(c);
                previousCased = false;
            }
        }

        return text.ToString();
    }

    /// <summary>Python's <c>str.capitalize()</c>: the first character upper-cased, the rest lowered.</summary>
    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python's <c>str.islower()</c> (<paramref name="lower"/>) or <c>str.isupper()</c>: some cased letter, none of the other case.</summary>
    public static bool IsCase(string s, bool lower)
    {
        bool cased = false;
        foreach (char c in s)
        {
            if (lower ? char.IsUpper(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter : char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter)
            {
                return false;
            }

            cased |= lower ? char.IsLower(c) : char.IsUpper(c);
        }

        return cased;
    }

    /// <summary>Python's <c>str.center(width, fill)</c>: the extra padding goes right unless the odd space falls left.</summary>
    public static string Center(string s, long width, string fill)
    {
        long length = CodePoints.Length(s);
        if (width <= length)
        {
            return s;
        }

        long margin = width - length;
        long left = (margin / 2) + (margin & width & 1);
        return Repeat(fill, left) + s + Repeat(fill, margin - left);
    }

    /// <summary><paramref name="fill"/> repeated <paramref name="count"/> times.</summary>
    public static string Repeat(string fill, long count) => count <= 0 ? "" : new StringBuilder(fill.Length * (int)count).Insert(0, fill, (int)count).ToString();
}
