// Splits a template into data and tag tokens, applying Jinja's whitespace control exactly as jinja2's lexer does.
namespace Strata.Engine.Templates;

/// <summary>
/// Tokenizes a template with the settings transformers uses: <c>trim_blocks</c> (a block or comment tag eats the one
/// newline after it), <c>lstrip_blocks</c> (spaces and tabs before a block or comment tag on its own line are dropped)
/// and <c>keep_trailing_newline=False</c>. <c>{%-</c> / <c>-%}</c> strip all whitespace on that side; <c>{%+</c> /
/// <c>+%}</c> turn lstrip / trim off for that tag. Newlines (<c>\r\n</c>, <c>\r</c>) become <c>\n</c>.
/// </summary>
internal sealed class Lexer
{
    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private readonly List<int> _lineStarts = [0];
    private int _pos;
    private bool _lineStarting = true;

    private Lexer(string source)
    {
        _source = source;
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The tokens of <paramref name="source"/>, ending with <see cref="TokenKind.End"/>.</summary>
    /// <exception cref="TemplateException">an unterminated comment or raw block, or a character no token starts with</exception>
    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(Normalize(source));
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>Newlines as <c>\n</c>, and one trailing newline dropped (keep_trailing_newline=False).</summary>
    private static string Normalize(string source)
    {
        string text = source.Contains('\r', StringComparison.Ordinal) ? source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : source;
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            int start = FindTagStart(_pos);
            if (start < 0)
            {
                AddData(_pos, _source[_pos..]);
                break;
            }

            char kind = _source[start + 1];
            char sign = start + 2 < _source.Length && _source[start + 2] is '-' or '+' ? _source[start + 2] : '\0';
            int rawEnd = kind == '%' ? MatchRawBegin(start) : -1;
            string text = StripBeforeTag(_source[_pos..start], sign, lstripAllowed: kind != '{');
            AddData(_pos, text);
            if (rawEnd >= 0)
            {
                _lineStarting = _source[rawEnd - 1] == '\n';
                _pos = rawEnd;
                LexRaw();
                continue;
            }

            _pos = start + 2 + (sign == '\0' ? 0 : 1);
            _lineStarting = false;
            if (kind == '#')
            {
                LexComment(start);
            }
            else
            {
                var (line, column) = Position(start);
                bool block = kind == '%';
                _tokens.Add(new Token(block ? TokenKind.BlockBegin : TokenKind.VariableBegin, block ? "{%" : "{{", null, line, column));
                LexTag(block);
            }
        }

        var (endLine, endColumn) = Position(_source.Length);
        _tokens.Add(new Token(TokenKind.End, "", null, endLine, endColumn));
    }

    /// <summary>The first <c>{%</c>, <c>{{</c> or <c>{#</c> at or after <paramref name="from"/>, or -1.</summary>
    private int FindTagStart(int from)
    {
        for (int i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '%' or '{' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Jinja's rules for the text before a tag: <c>-</c> strips all trailing whitespace; otherwise
    /// lstrip_blocks drops the spaces between the last line start and a block or comment tag.</summary>
    private string StripBeforeTag(string text, char sign, bool lstripAllowed)
    {
        if (sign == '-')
        {
            return PythonText.RStrip(text);
        }

        if (sign == '+' || !lstripAllowed)
        {
            return text;
        }

        int lineStart = text.LastIndexOf('\n') + 1;
        if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && PythonText.IsAllSpace(text.AsSpan(lineStart)))
        {
            return text[..lineStart];
        }

        return text;
    }

    /// <summary>The end of a <c>{% raw %}</c> tag starting at <paramref name="start"/>, or -1 when it is another block.</summary>
    private int MatchRawBegin(int start)
    {
        int p = start + 2;
        if (p < _source.Length && _source[p] is '-' or '+')
        {
            p++;
        }

        p = SkipSpace(p);
        if (string.CompareOrdinal(_source, p, "raw", 0, 3) != 0)
        {
            return -1;
        }

        p = SkipSpace(p + 3);
        if (At(p, "-%}"))
        {
            return SkipSpace(p + 3);
        }

        return At(p, "%}") ? p + 2 : -1;
    }

    private void LexRaw()
    {
        int search = _pos;
        while (true)
        {
            int open = _source.IndexOf("{%", search, StringComparison.Ordinal);
            if (open < 0)
            {
                var (line, column) = Position(_pos);
                throw new TemplateException("missing end of raw directive ({% endraw %})", line, column);
            }

            int p = open + 2;
            char sign = p < _source.Length && _source[p] is '-' or '+' ? _source[p] : '\0';
            p = SkipSpace(sign == '\0' ? p : p + 1);
            if (!At(p, "endraw"))
            {
                search = open + 1;
                continue;
            }

            int end = MatchTagClose(SkipSpace(p + 6), block: true);
            if (end < 0)
            {
                search = open + 1;
                continue;
            }

            AddData(_pos, StripBeforeTag(_source[_pos..open], sign, lstripAllowed: true));
            _lineStarting = _source[end - 1] == '\n';
            _pos = end;
            return;
        }
    }

    private void LexComment(int start)
    {
        int close = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (close < 0)
        {
            var (line, column) = Position(start);
            throw new TemplateException("missing end of comment tag", line, column);
        }

        int end;
        if (close - 1 >= _pos && _source[close - 1] == '+')
        {
            end = close + 2;
        }
        else if (close - 1 >= _pos && _source[close - 1] == '-')
        {
            end = SkipSpace(close + 2);
        }
        else
        {
            end = close + 2 < _source.Length && _source[close + 2] == '\n' ? close + 3 : close + 2;
        }

        _lineStarting = _source[end - 1] == '\n';
        _pos = end;
    }

    /// <summary>Expression tokens up to the closing <c>%}</c> or <c>}}</c> (only where brackets balance).</summary>
    private void LexTag(bool block)
    {
        var balance = new Stack<char>();
        while (_pos < _source.Length)
        {
            if (balance.Count == 0)
            {
                int end = MatchTagClose(_pos, block);
                if (end >= 0)
                {
                    var (line, column) = Position(_pos);
                    _tokens.Add(new Token(block ? TokenKind.BlockEnd : TokenKind.VariableEnd, block ? "%}" : "}}", null, line, column));
                    _lineStarting = _source[end - 1] == '\n';
                    _pos = end;
                    return;
                }
            }

            if (PythonText.IsSpace(_source[_pos]))
            {
                _pos++;
                continue;
            }

            var (tokenLine, tokenColumn) = Position(_pos);
            var token = ExpressionScanner.Scan(_source, _pos, tokenLine, tokenColumn);
            Balance(balance, token);
            _tokens.Add(token);
            _pos += token.Text.Length;
        }
    }

    /// <summary>The end of a tag close at <paramref name="p"/> (with its whitespace control applied), or -1.</summary>
    private int MatchTagClose(int p, bool block)
    {
        string close = block ? "%}" : "}}";
        if (block && At(p, "+%}"))
        {
            return p + 3;
        }

        if (At(p, block ? "-%}" : "-}}"))
        {
            return SkipSpace(p + 3);
        }

        if (!At(p, close))
        {
            return -1;
        }

        return block && p + 2 < _source.Length && _source[p + 2] == '\n' ? p + 3 : p + 2;
    }

    private static void Balance(Stack<char> balance, Token token)
    {
        switch (token.Kind)
        {
            case TokenKind.LeftParen:
                balance.Push(')');
                break;
            case TokenKind.LeftBracket:
                balance.Push(']');
                break;
            case TokenKind.LeftBrace:
                balance.Push('}');
                break;
            case TokenKind.RightParen or TokenKind.RightBracket or TokenKind.RightBrace:
                if (balance.Count == 0)
                {
                    throw new TemplateException($"unexpected '{token.Text}'", token.Line, token.Column);
                }

                char expected = balance.Pop();
                if (expected != token.Text[0])
                {
                    throw new TemplateException($"unexpected '{token.Text}', expected '{expected}'", token.Line, token.Column);
                }

                break;
        }
    }

    private void AddData(int start, string text)
    {
        if (text.Length > 0)
        {
            var (line, column) = Position(start);
            _tokens.Add(new Token(TokenKind.Data, text, null, line, column));
        }
    }

    private bool At(int p, string text) => p + text.Length <= _source.Length && string.CompareOrdinal(_source, p, text, 0, text.Length) == 0;

    private int SkipSpace(int p)
    {
        while (p < _source.Length && PythonText.IsSpace(_source[p]))
        {
            p++;
        }

        return p;
    }

    private (int Line, int Column) Position(int offset)
    {
        int index = _lineStarts.BinarySearch(offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }
}
