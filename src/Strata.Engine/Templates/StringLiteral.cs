// Decodes the escapes of a Jinja string literal the way jinja2 does: with Python's unicode-escape codec.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>Python string escapes: <c>\n \t \\ \' \"</c>, octal, <c>\x</c>, <c>\u</c>, <c>\U</c>; an unknown escape keeps its backslash.</summary>
internal static class StringLiteral
{
    /// <summary>The value of a literal's body (the text between its quotes).</summary>
    /// <exception cref="TemplateException">a truncated or out-of-range escape, or <c>\N{...}</c></exception>
    public static string Unescape(string body, int line, int column)
    {
        int backslash = body.IndexOf('\\');
        if (backslash < 0)
        {
            return body;
        }

        var text = new StringBuilder(body.Length);
        text.Append(body, 0, backslash);
        for (int i = backslash; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                text.Append(c);
                continue;
            }

            i = AppendEscape(text, body, i + 1, line, column);
        }

        return text.ToString();
    }

    /// <summary>Appends the escape whose letter is at <paramref name="p"/>; returns the index of its last character.</summary>
    private static int AppendEscape(StringBuilder text, string body, int p, int line, int column)
    {
        char e = body[p];
        switch (e)
        {
            case '\n': return p;
            case '\\': text.Append('\\'); return p;
            case '\'': text.Append('\''); return p;
            case '"': text.Append('"'); return p;
            case 'a': text.Append('\a'); return p;
            case 'b': text.Append('\b'); return p;
            case 'f': text.Append('\f'); return p;
            case 'n': text.Append('\n'); return p;
            case 'r': text.Append('\r'); return p;
            case 't': text.Append('\t'); return p;
            case 'v': text.Append('\v'); return p;
            case 'x': return AppendHex(text, body, p, 2, line, column);
            case 'u': return AppendHex(text, body, p, 4, line, column);
            case 'U': return AppendHex(text, body, p, 8, line, column);
            case 'N': throw new TemplateException("unsupported string escape \\N{...}", line, column);
        }

        if (e is >= '0' and <= '7')
        {
            int value = 0;
            int q = p;
            while (q < body.Length && q < p + 3 && body[q] is >= '0' and <= '7')
            {
                value = (value * 8) + (body[q] - '0');
                q++;
            }

            text.Append((char)value);
            return q - 1;
        }

        // An unknown escape keeps its backslash. jinja2 first writes non-ASCII characters as \x.., \u.... or
        // \U........, so a backslash before one becomes a literal backslash followed by that escape's text.
        text.Append('\\');
        if (e < 0x80)
        {
            text.Append(e);
            return p;
        }

        int codePoint = char.IsHighSurrogate(e) && p + 1 < body.Length && char.IsLowSurrogate(body[p + 1]) ? char.ConvertToUtf32(e, body[p + 1]) : e;
        text.Append(codePoint < 0x100 ? $"x{codePoint:x2}" : codePoint < 0x10000 ? $"u{codePoint:x4}" : $"U{codePoint:x8}");
        return codePoint > 0xFFFF ? p + 1 : p;
    }

    private static int AppendHex(StringBuilder text, string body, int p, int digits, int line, int column)
    {
        if (!IsHex(body, p + 1, digits))
        {
            throw new TemplateException($"truncated \\{body[p]} escape in a string literal (needs {digits} hex digits)", line, column);
        }

        int codePoint = int.Parse(body.AsSpan(p + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (codePoint is < 0 or > 0x10FFFF)
        {
            throw new TemplateException($"string escape \\{body.Substring(p, digits + 1)} is beyond U+10FFFF", line, column);
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            text.Append((char)codePoint);
        }
        else
        {
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return p + digits;
    }

    private static bool IsHex(string body, int start, int count)
    {
        if (start + count > body.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            if (!char.IsAsciiHexDigit(body[i]))
            {
                return false;
            }
        }

        return true;
    }
}
