// Reads GBNF text token by token: whitespace and comments, names, characters with escapes, integers; errors with line/column.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Grammar;

/// <summary>
/// A position in GBNF text and the lexical rules of llama.cpp's GBNF: names are <c>[a-zA-Z0-9_-]+</c>, comments run
/// from <c>#</c> to the end of the line, characters in literals and classes take the escapes <c>\n \r \t \\ \" \[ \]</c>,
/// <c>\xHH</c>, <c>\uHHHH</c> and <c>\UHHHHHHHH</c>. Errors carry the 1-based line and column of the problem.
/// </summary>
internal sealed class GbnfCursor(string text)
{
    private readonly string _text = text;

    /// <summary>Offset of the next UTF-16 code unit.</summary>
    public int Position { get; set; }

    /// <summary>True when all the text has been read.</summary>
    public bool AtEnd => Position >= _text.Length;

    /// <summary>The next code unit, or '\0' at the end.</summary>
    public char Peek => Position < _text.Length ? _text[Position] : '\0';

    /// <summary>The code unit <paramref name="ahead"/> after the next, or '\0' past the end.</summary>
    public char PeekAt(int ahead) => Position + ahead < _text.Length ? _text[Position + ahead] : '\0';

    /// <summary>True when the text at the position starts with <paramref name="value"/>.</summary>
    public bool At(string value) => string.CompareOrdinal(_text, Position, value, 0, value.Length) == 0;

    /// <summary>True for characters a rule name may hold.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>Skips spaces, tabs and comments, and line breaks too when <paramref name="newlines"/> is set.</summary>
    public void SkipSpace(bool newlines)
    {
        while (!AtEnd)
        {
            char c = Peek;
            if (c == '#')
            {
                while (!AtEnd && Peek is not ('\r' or '\n'))
                {
                    Position++;
                }
            }
            else if (c is ' ' or '\t' || (newlines && c is '\r' or '\n'))
            {
                Position++;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Reads a rule name.</summary>
    public string ReadName()
    {
        int start = Position;
        while (!AtEnd && IsNameChar(Peek))
        {
            Position++;
        }

        if (Position == start)
        {
            throw Error($"expected a rule name; found {Describe()}");
        }

        return _text[start..Position];
    }

    /// <summary>Reads a decimal integer of at most 9 digits.</summary>
    public int ReadInt()
    {
        int start = Position;
        while (!AtEnd && char.IsAsciiDigit(Peek))
        {
            Position++;
        }

        if (Position == start)
        {
            throw Error($"expected an integer; found {Describe()}");
        }

        if (Position - start > 9)
        {
            throw Error($"expected an integer of at most 9 digits; found '{_text[start..Position]}'", start);
        }

        return int.Parse(_text.AsSpan(start, Position - start), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads one character of a literal or class: an escape or one code point.</summary>
    public int ReadChar()
    {
        if (AtEnd)
        {
            throw Error("unexpected end of the text inside a literal or character class");
        }

        if (Peek != '\\')
        {
            if (Rune.DecodeFromUtf16(_text.AsSpan(Position), out var rune, out int used) != System.Buffers.OperationStatus.Done)
            {
                throw Error($"expected a Unicode character; found the unpaired surrogate U+{(int)Peek:X4}");
            }

            Position += used;
            return rune.Value;
        }

        int start = Position;
        char kind = PeekAt(1);
        Position += 2;
        return kind switch
        {
            'x' => ReadHex(2, start),
            'u' => ReadHex(4, start),
            'U' => ReadHex(8, start),
            't' => '\t',
            'r' => '\r',
            'n' => '\n',
            '\\' or '"' or '[' or ']' => kind,
            _ => throw Error(
                $"unknown escape '\\{kind}'; expected one of \\n \\r \\t \\\\ \\\" \\[ \\] \\xHH \\uHHHH \\UHHHHHHHH", start),
        };
    }

    private int ReadHex(int digits, int start)
    {
        int value = 0;
        for (int i = 0; i < digits; i++)
        {
            char c = Peek;
            if (!char.IsAsciiHexDigit(c))
            {
                throw Error($"expected {digits} hex digits after '{_text.Substring(start, 2)}'; found {Describe()}");
            }

            value = (value << 4) | HexValue(c);
            Position++;
        }

        if ((uint)value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
        {
            throw Error($"expected a Unicode scalar value; found {_text[start..Position]} (U+{(uint)value:X})", start);
        }

        return value;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>The next few characters, quoted, or "the end of the text".</summary>
    public string Describe()
    {
        if (AtEnd)
        {
            return "the end of the text";
        }

        int end = Math.Min(_text.Length, Position + 12);
        int newline = _text.IndexOfAny(['\r', '\n'], Position, end - Position);
        if (newline == Position)
        {
            return "a line break";
        }

        return $"'{_text[Position..(newline < 0 ? end : newline)]}'";
    }

    /// <summary>An error at the current position.</summary>
    public GrammarException Error(string message) => Error(message, Position);

    /// <summary>An error at offset <paramref name="at"/>.</summary>
    public GrammarException Error(string message, int at)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new GrammarException(message, line, at - lineStart + 1);
    }
}
