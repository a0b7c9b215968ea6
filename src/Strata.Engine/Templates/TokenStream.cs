// A cursor over the lexer's tokens with the expect/skip operations the recursive-descent parser needs.
namespace Strata.Engine.Templates;

/// <summary>The parser's view of the tokens: the current one, a look-ahead, and checks that fail with the position.</summary>
internal sealed class TokenStream
{
    private readonly List<Token> _tokens;
    private int _index;

    /// <summary>A stream over <paramref name="tokens"/>, which end with <see cref="TokenKind.End"/>.</summary>
    public TokenStream(List<Token> tokens) => _tokens = tokens;

    /// <summary>The token under the cursor.</summary>
    public Token Current => _tokens[_index];

    /// <summary>The token <paramref name="ahead"/> places after the current one (the end token past the end).</summary>
    public Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    /// <summary>Returns the current token and moves past it (never past the end token).</summary>
    public Token Next()
    {
        var token = _tokens[_index];
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }

        return token;
    }

    /// <summary>Moves past the current token when it is of <paramref name="kind"/>.</summary>
    public bool SkipIf(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        Next();
        return true;
    }

    /// <summary>Moves past the current token when it is the name <paramref name="name"/>.</summary>
    public bool SkipIfName(string name)
    {
        if (!Current.IsName(name))
        {
            return false;
        }

        Next();
        return true;
    }

    /// <summary>The current token, which must be of <paramref name="kind"/>; <paramref name="what"/> names it in the error.</summary>
    /// <exception cref="TemplateException">the current token is something else</exception>
    public Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Unexpected(what);
        }

        return Next();
    }

    /// <summary>The current token, which must be the name <paramref name="name"/>.</summary>
    /// <exception cref="TemplateException">the current token is something else</exception>
    public Token ExpectName(string name)
    {
        if (!Current.IsName(name))
        {
            throw Unexpected($"'{name}'");
        }

        return Next();
    }

    /// <summary>An error at the current token: "expected <paramref name="what"/>, found ...".</summary>
    public TemplateException Unexpected(string what) =>
        new($"expected {what}, found '{Current.Describe()}'", Current.Line, Current.Column);
}
