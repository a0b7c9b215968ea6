// Scans one token inside a tag: a float, an integer, a name, a string or an operator, with jinja2's precedence.
using System.Globalization;

namespace Strata.Engine.Templates;

/// <summary>
/// One expression token at a position, tried in jinja2's order: float, integer, name, string, operator.
/// Literals follow Python: <c>1_000</c>, <c>0x1F</c>, <c>1e-3</c>, and string escapes as Python's unicode-escape.
/// </summary>
internal static class ExpressionScanner
{
    /// <summary>The token starting at <paramref name="p"/> (which is not whitespace).</summary>
    /// <exception cref="TemplateException">no token starts there, or a literal is malformed</exception>
    public static Token Scan(string s, int p, int line, int column)
    {
        int end = ScanFloat(s, p);
        if (end > p)
        {
            string text = s[p..end];
            return new Token(TokenKind.Float, text, double.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture), line, column);
        }

        end = ScanInteger(s, p);
        if (end > p)
        {
            string text = s[p..end];
            return new Token(TokenKind.Integer, text, ParseInteger(text, line, column), line, column);
        }

        end = ScanName(s, p);
        if (end > p)
        {
            return new Token(TokenKind.Name, s[p..end], null, line, column);
        }

        if (s[p] is '\'' or '"')
        {
            end = ScanString(s, p);
            if (end > p)
            {
                string text = s[p..end];
                return new Token(TokenKind.String, text, StringLiteral.Unescape(text[1..^1], line, column), line, column);
            }
        }

        var op = ScanOperator(s, p);
        if (op is { } found)
        {
            return new Token(found.Kind, found.Text, null, line, column);
        }

        throw new TemplateException($"unexpected char '{s[p]}'", line, column);
    }

    private static int ScanDigitGroups(string s, int p)
    {
        // (\d+_)*\d+
        int end = -1;
        int i = p;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            end = i;
            if (i + 1 < s.Length && s[i] == '_' && char.IsAsciiDigit(s[i + 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return end;
    }

    private static int ScanFloat(string s, int p)
    {
        if (p > 0 && s[p - 1] == '.')
        {
            return -1;
        }

        int digits = ScanDigitGroups(s, p);
        if (digits < 0)
        {
            return -1;
        }

        int fraction = digits < s.Length && s[digits] == '.' ? ScanDigitGroups(s, digits + 1) : -1;
        int exponent = ScanExponent(s, fraction > 0 ? fraction : digits);
        if (exponent > 0)
        {
            return exponent;
        }

        if (fraction > 0)
        {
            return fraction;
        }

        return ScanExponent(s, digits) is > 0 and int e ? e : -1;
    }

    private static int ScanExponent(string s, int p)
    {
        if (p >= s.Length || s[p] is not ('e' or 'E'))
        {
            return -1;
        }

        int q = p + 1;
        if (q < s.Length && s[q] is '+' or '-')
        {
            q++;
        }

        return ScanDigitGroups(s, q);
    }

    private static int ScanInteger(string s, int p)
    {
        if (!char.IsAsciiDigit(s[p]))
        {
            return -1;
        }

        if (s[p] == '0' && p + 1 < s.Length && char.ToLowerInvariant(s[p + 1]) is 'b' or 'o' or 'x')
        {
            char radix = char.ToLowerInvariant(s[p + 1]);
            int end = ScanRadixDigits(s, p + 2, radix);
            if (end > p + 2)
            {
                return end;
            }
        }

        // 0(_?0)* or [1-9](_?\d)*
        return ScanDecimal(s, p + 1, zeros: s[p] == '0');
    }

    private static int ScanDecimal(string s, int i, bool zeros)
    {
        bool Digit(char c) => zeros ? c == '0' : char.IsAsciiDigit(c);
        while (true)
        {
            if (i < s.Length && Digit(s[i]))
            {
                i++;
            }
            else if (i + 1 < s.Length && s[i] == '_' && Digit(s[i + 1]))
            {
                i += 2;
            }
            else
            {
                return i;
            }
        }
    }

    private static int ScanRadixDigits(string s, int p, char radix)
    {
        // (_?[digit])+
        int i = p;
        while (true)
        {
            int q = i < s.Length && s[i] == '_' ? i + 1 : i;
            if (q < s.Length && IsRadixDigit(s[q], radix))
            {
                i = q + 1;
            }
            else
            {
                return i;
            }
        }
    }

    private static bool IsRadixDigit(char c, char radix) => radix switch
    {
        'b' => c is '0' or '1',
        'o' => c is >= '0' and <= '7',
        _ => char.IsAsciiHexDigit(c),
    };

    private static long ParseInteger(string text, int line, int column)
    {
        string digits = text.Replace("_", "", StringComparison.Ordinal);
        int radix = 10;
        if (digits.Length > 2 && digits[0] == '0' && char.IsAsciiLetter(digits[1]))
        {
            radix = char.ToLowerInvariant(digits[1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
            digits = digits[2..];
        }

        long value = 0;
        try
        {
            foreach (char c in digits)
            {
                value = checked((value * radix) + Convert.ToInt32(c.ToString(), 16));
            }
        }
        catch (OverflowException)
        {
            throw new TemplateException($"integer literal {text} does not fit in 64 bits", line, column);
        }

        return value;
    }

    private static int ScanName(string s, int p)
    {
        if (!(char.IsLetter(s[p]) || s[p] == '_'))
        {
            return -1;
        }

        int i = p + 1;
        while (i < s.Length && IsNameChar(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.LetterNumber;

    private static int ScanString(string s, int p)
    {
        char quote = s[p];
        int i = p + 1;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '\\')
            {
                i += 2;
            }
            else if (c == quote)
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    private static (TokenKind Kind, string Text)? ScanOperator(string s, int p)
    {
        if (p + 1 < s.Length)
        {
            TokenKind? two = (s[p], s[p + 1]) switch
            {
                ('/', '/') => TokenKind.FloorDiv,
                ('*', '*') => TokenKind.Pow,
                ('=', '=') => TokenKind.Equal,
                ('!', '=') => TokenKind.NotEqual,
                ('>', '=') => TokenKind.GreaterEqual,
                ('<', '=') => TokenKind.LessEqual,
                _ => null,
            };
            if (two is { } kind)
            {
                return (kind, s.Substring(p, 2));
            }
        }

        TokenKind? one = s[p] switch
        {
            '+' => TokenKind.Add,
            '-' => TokenKind.Sub,
            '/' => TokenKind.Div,
            '*' => TokenKind.Mul,
            '%' => TokenKind.Mod,
            '~' => TokenKind.Tilde,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            '>' => TokenKind.Greater,
            '<' => TokenKind.Less,
            '=' => TokenKind.Assign,
            '.' => TokenKind.Dot,
            ':' => TokenKind.Colon,
            '|' => TokenKind.Pipe,
            ',' => TokenKind.Comma,
            ';' => TokenKind.Semicolon,
            _ => null,
        };
        return one is { } single ? (single, s.Substring(p, 1)) : null;
    }
}
