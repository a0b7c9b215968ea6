// Translates a simple JSON Schema "pattern" (ECMA-262 regex) into GBNF for the JSON string literals it matches.
using System.Globalization;

namespace Strata.Engine.Grammar;

/// <summary>
/// Compiles a regular expression to a grammar of JSON string literals whose decoded text the expression matches, taking
/// care to stay inside what both ECMA-262 and .NET regexes match (validators use either). Supported: literals and
/// escapes, classes with ranges, <c>.</c>, <c>\d \w \s \D \W \S</c>, groups (capturing, <c>(?:</c>, named),
/// alternation, <c>* + ? {n} {n,} {n,m}</c> (lazy forms too), and <c>^</c> / <c>$</c> at the ends of top-level
/// alternatives; an unanchored side may have any text before or after the match. Negated sets (<c>.</c>, <c>[^...]</c>,
/// <c>\D</c>, ...) draw only from printable ASCII, and <c>\s</c> is a space, so that Unicode category differences between
/// engines cannot make a generated string fail. Lookaround, backreferences, <c>\b</c> and <c>\p{..}</c> are refused.
/// </summary>
internal sealed class PatternCompiler
{
    private const int MaxDepth = 100;
    private static readonly (int Start, int End)[] Printable = [(0x20, 0x7F)];
    private static readonly (int Start, int End)[] DigitSet = [('0', '9' + 1)];
    private static readonly (int Start, int End)[] WordSet = [('0', '9' + 1), ('A', 'Z' + 1), ('_', '_' + 1), ('a', 'z' + 1)];
    private static readonly (int Start, int End)[] SpaceSet = [(' ', ' ' + 1)];

    private readonly string _pattern;
    private readonly string _pointer;
    private readonly string _anyChar;
    private int _pos;
    private int _depth;

    private PatternCompiler(string pattern, string pointer, string anyChar)
    {
        _pattern = pattern;
        _pointer = pointer;
        _anyChar = anyChar;
    }

    /// <summary>
    /// The GBNF expression (quotes included) for JSON strings matching <paramref name="pattern"/>; <paramref name="anyChar"/>
    /// is the rule of one JSON string character, used for text around an unanchored match.
    /// </summary>
    public static string Compile(string pattern, string pointer, string anyChar)
    {
        var compiler = new PatternCompiler(pattern, pointer, anyChar);
        var alternatives = new List<string>();
        do
        {
            alternatives.Add(compiler.TopAlternative());
        }
        while (compiler.Take('|'));

        if (compiler._pos < pattern.Length)
        {
            throw compiler.Error($"unexpected '{pattern[compiler._pos]}'");
        }

        return "\"\\\"\" ( " + string.Join(" | ", alternatives) + " ) \"\\\"\"";
    }

    private string TopAlternative()
    {
        bool start = Take('^');
        var items = Sequence();
        bool end = Take('$');
        if (_pos < _pattern.Length && _pattern[_pos] != '|')
        {
            throw Error(_pattern[_pos] == ')' ? "unbalanced ')'" : "'$' is supported only at the end of a top-level alternative");
        }

        if (!start)
        {
            items.Insert(0, _anyChar + "*");
        }

        if (!end)
        {
            items.Add(_anyChar + "*");
        }

        return items.Count == 0 ? "\"\"" : string.Join(" ", items);
    }

    private List<string> Sequence()
    {
        var items = new List<string>();
        while (_pos < _pattern.Length && _pattern[_pos] is not ('|' or ')' or '$'))
        {
            if (_pattern[_pos] == '^')
            {
                throw Error("'^' is supported only at the start of a top-level alternative");
            }

            string atom = Atom();
            items.Add(Quantified(atom));
        }

        return items;
    }

    private string Atom()
    {
        char c = _pattern[_pos];
        switch (c)
        {
            case '(':
                return Group();
            case '[':
                _pos++;
                return Encode(Class());
            case '.':
                _pos++;
                return Encode(Printable);
            case '\\':
                _pos++;
                return Encode(Escape(inClass: false));
            case '*' or '+' or '?':
                throw Error($"nothing to repeat before '{c}'");
            default:
                return Encode(CodePointSet.Single(NextCodePoint()));
        }
    }

    private string Group()
    {
        _pos++;
        if (Take('?') && !Take(':'))
        {
            if (_pos < _pattern.Length && (_pattern[_pos] == '<' || (_pattern[_pos] == 'P' && Peek(1) == '<'))
                && Peek(_pattern[_pos] == 'P' ? 2 : 1) is not ('=' or '!'))
            {
                int close = _pattern.IndexOf('>', _pos);
                if (close < 0)
                {
                    throw Error("unterminated group name");
                }

                _pos = close + 1;
            }
            else
            {
                throw Error("lookaround and inline options are not supported");
            }
        }

        if (++_depth > MaxDepth)
        {
            throw Error($"groups nested more than {MaxDepth} deep");
        }

        var alternatives = new List<string>();
        do
        {
            var items = Sequence();
            alternatives.Add(items.Count == 0 ? "\"\"" : string.Join(" ", items));
        }
        while (Take('|'));

        if (!Take(')'))
        {
            throw Error(_pos < _pattern.Length && _pattern[_pos] == '$' ? "'$' inside a group is not supported" : "expected ')'");
        }

        _depth--;
        return "( " + string.Join(" | ", alternatives) + " )";
    }

    private string Quantified(string atom)
    {
        if (_pos >= _pattern.Length)
        {
            return atom;
        }

        string? quantifier = _pattern[_pos] switch
        {
            '*' => "*",
            '+' => "+",
            '?' => "?",
            _ => null,
        };
        if (quantifier is not null)
        {
            _pos++;
        }
        else if (_pattern[_pos] != '{' || (quantifier = Braces()) is null)
        {
            return atom;
        }

        Take('?'); // a lazy quantifier matches the same strings
        return "( " + atom + " )" + quantifier;
    }

    // {n}, {n,}, {n,m}; anything else after '{' is a literal brace (as both engines read it).
    private string? Braces()
    {
        int close = _pattern.IndexOf('}', _pos);
        if (close < 0)
        {
            return null;
        }

        string inner = _pattern[(_pos + 1)..close];
        string[] parts = inner.Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int min)
            || (parts.Length == 2 && parts[1].Length > 0 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }

        int max = parts.Length == 1 ? min : parts[1].Length == 0 ? -1 : int.Parse(parts[1], CultureInfo.InvariantCulture);
        if (max >= 0 && max < min)
        {
            throw Error($"repetition {{{inner}}} has its maximum below its minimum");
        }

        if (min > GbnfParser.MaxRepetition || max > GbnfParser.MaxRepetition)
        {
            throw Error($"repetition {{{inner}}} exceeds the limit of {GbnfParser.MaxRepetition}");
        }

        _pos = close + 1;
        return max < 0 ? $"{{{min},}}" : max == min ? $"{{{min}}}" : $"{{{min},{max}}}";
    }

    private List<(int Start, int End)> Class()
    {
        bool negated = Take('^');
        if (_pos < _pattern.Length && _pattern[_pos] == ']')
        {
            throw Error("an empty class ('[]' or '[^]') reads differently in ECMA-262 and .NET; not supported");
        }

        var set = new List<(int Start, int End)>();
        while (!Take(']'))
        {
            if (_pos >= _pattern.Length)
            {
                throw Error("unterminated character class");
            }

            var item = _pattern[_pos] == '\\' ? EscapeInClass() : CodePointSet.Single(NextCodePoint());
            if (item.Count == 1 && item[0].End == item[0].Start + 1 && Peek(0) == '-' && Peek(1) is not (']' or '\0'))
            {
                _pos++;
                var upper = _pattern[_pos] == '\\' ? EscapeInClass() : CodePointSet.Single(NextCodePoint());
                if (upper.Count != 1 || upper[0].End != upper[0].Start + 1 || upper[0].Start < item[0].Start)
                {
                    throw Error("invalid range in character class");
                }

                item = [(item[0].Start, upper[0].End)];
            }

            set.AddRange(item);
        }

        foreach (var (start, end) in set)
        {
            if (end > 0x10000)
            {
                throw Error("characters beyond U+FFFF in a class are read as surrogate pairs by .NET; not supported");
            }
        }

        return negated ? CodePointSet.Subtract(Printable, set) : CodePointSet.Normalize(set);
    }

    private List<(int Start, int End)> EscapeInClass()
    {
        _pos++;
        return Escape(inClass: true);
    }

    private List<(int Start, int End)> Escape(bool inClass)
    {
        if (_pos >= _pattern.Length)
        {
            throw Error("trailing backslash");
        }

        char c = _pattern[_pos++];
        return c switch
        {
            'd' => [.. DigitSet],
            'w' => [.. WordSet],
            's' => [.. SpaceSet],
            'D' => CodePointSet.Subtract(Printable, DigitSet),
            'W' => CodePointSet.Subtract(Printable, WordSet),
            'S' => CodePointSet.Subtract(Printable, SpaceSet),
            'n' => CodePointSet.Single('\n'),
            't' => CodePointSet.Single('\t'),
            'r' => CodePointSet.Single('\r'),
            'f' => CodePointSet.Single('\f'),
            'v' => CodePointSet.Single('\v'),
            '0' => CodePointSet.Single('\0'),
            'b' when inClass => CodePointSet.Single('\b'),
            'x' => CodePointSet.Single(Hex(2)),
            'u' => CodePointSet.Single(Hex(4)),
            _ when char.IsAsciiLetterOrDigit(c) => throw Error($"escape '\\{c}' is not supported"),
            _ => CodePointSet.Single(c),
        };
    }

    private int Hex(int digits)
    {
        if (_pos + digits > _pattern.Length
            || !int.TryParse(_pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            throw Error($"expected {digits} hex digits");
        }

        _pos += digits;
        if (value is >= 0xD800 and <= 0xDFFF)
        {
            throw Error("surrogate escapes are not supported");
        }

        return value;
    }

    private int NextCodePoint()
    {
        if (System.Text.Rune.DecodeFromUtf16(_pattern.AsSpan(_pos), out var rune, out int used) != System.Buffers.OperationStatus.Done)
        {
            throw Error("unpaired surrogate in the pattern");
        }

        _pos += used;
        return rune.Value;
    }

    // The JSON string content of one character from `set`.
    private string Encode(IReadOnlyList<(int Start, int End)> set) =>
        CodePointSet.JsonCharacter(set) ?? throw Error("this part of the pattern can match no character we can generate");

    private bool Take(char c)
    {
        if (_pos < _pattern.Length && _pattern[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private char Peek(int ahead) => _pos + ahead < _pattern.Length ? _pattern[_pos + ahead] : '\0';

    private SchemaException Error(string message) =>
        new(_pointer, $"pattern '{_pattern}' at offset {_pos}: {message}");
}
