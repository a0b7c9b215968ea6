// The expression parser's primaries and postfixes: literals, names, tuples, lists, dicts, subscripts, calls, filters, tests.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>The primary and postfix half of <see cref="ExpressionParser"/>.</summary>
internal sealed partial class ExpressionParser
{
    /// <summary>A literal, name, parenthesized expression, list or dict; <c>ns.attr</c> when <paramref name="withNamespace"/>.</summary>
    public Expression ParsePrimary(bool withNamespace)
    {
        var token = _tokens.Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                _tokens.Next();
                return token.Text switch
                {
                    "true" or "True" => new Expression.Literal(true, token.Line),
                    "false" or "False" => new Expression.Literal(false, token.Line),
                    "none" or "None" => new Expression.Literal(null, token.Line),
                    _ when withNamespace && _tokens.SkipIf(TokenKind.Dot) => new Expression.NamespaceRef(token.Text, _tokens.Expect(TokenKind.Name, "an attribute name").Text, token.Line),
                    _ => new Expression.Variable(token.Text, token.Line),
                };
            case TokenKind.String:
                _tokens.Next();
                string text = (string)token.Value!;
                while (_tokens.Current.Kind == TokenKind.String)
                {
                    text += (string)_tokens.Next().Value!;
                }

                return new Expression.Literal(text, token.Line);
            case TokenKind.Integer or TokenKind.Float:
                _tokens.Next();
                return new Expression.Literal(token.Value, token.Line);
            case TokenKind.LeftParen:
                _tokens.Next();
                var inner = ParseTuple(explicitParentheses: true);
                _tokens.Expect(TokenKind.RightParen, "')'");
                return inner;
            case TokenKind.LeftBracket:
                return ParseList();
            case TokenKind.LeftBrace:
                return ParseDict();
            default:
                throw new TemplateException($"unexpected '{token.Describe()}'", token.Line, token.Column);
        }
    }

    /// <summary>
    /// Comma-separated expressions: a tuple if there is a comma, else the single expression. <paramref name="simplified"/>
    /// parses only primaries (assignment targets); <paramref name="endNames"/> are names that also end the tuple.
    /// </summary>
    public Expression ParseTuple(
        bool simplified = false, bool withConditional = true, string[]? endNames = null, bool explicitParentheses = false, bool withNamespace = false)
    {
        var start = _tokens.Current;
        var items = ImmutableArray.CreateBuilder<Expression>();
        bool isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            if (IsTupleEnd(endNames))
            {
                break;
            }

            items.Add(simplified ? ParsePrimary(withNamespace) : ParseExpression(withConditional));
            if (_tokens.Current.Kind != TokenKind.Comma)
            {
                break;
            }

            isTuple = true;
        }

        if (!isTuple)
        {
            if (items.Count > 0)
            {
                return items[0];
            }

            if (!explicitParentheses)
            {
                throw new TemplateException($"expected an expression, found '{_tokens.Current.Describe()}'", _tokens.Current.Line, _tokens.Current.Column);
            }
        }

        return new Expression.TupleDisplay(items.ToImmutable(), start.Line);
    }

    private bool IsTupleEnd(string[]? endNames)
    {
        var token = _tokens.Current;
        if (token.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.RightParen)
        {
            return true;
        }

        return endNames is not null && token.Kind == TokenKind.Name && Array.IndexOf(endNames, token.Text) >= 0;
    }

    private Expression.ListDisplay ParseList()
    {
        int line = _tokens.Expect(TokenKind.LeftBracket, "'['").Line;
        var items = ImmutableArray.CreateBuilder<Expression>();
        while (_tokens.Current.Kind != TokenKind.RightBracket)
        {
            if (items.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            if (_tokens.Current.Kind == TokenKind.RightBracket)
            {
                break;
            }

            items.Add(ParseExpression());
        }

        _tokens.Expect(TokenKind.RightBracket, "']'");
        return new Expression.ListDisplay(items.ToImmutable(), line);
    }

    private Expression.DictDisplay ParseDict()
    {
        int line = _tokens.Expect(TokenKind.LeftBrace, "'{'").Line;
        var pairs = ImmutableArray.CreateBuilder<(Expression, Expression)>();
        while (_tokens.Current.Kind != TokenKind.RightBrace)
        {
            if (pairs.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            if (_tokens.Current.Kind == TokenKind.RightBrace)
            {
                break;
            }

            var key = ParseExpression();
            _tokens.Expect(TokenKind.Colon, "':'");
            pairs.Add((key, ParseExpression()));
        }

        _tokens.Expect(TokenKind.RightBrace, "'}'");
        return new Expression.DictDisplay(pairs.ToImmutable(), line);
    }

    private Expression ParsePostfix(Expression node)
    {
        while (true)
        {
            var kind = _tokens.Current.Kind;
            if (kind is TokenKind.Dot or TokenKind.LeftBracket)
            {
                node = ParseSubscript(node);
            }
            else if (kind == TokenKind.LeftParen)
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private Expression ParseFilterChain(Expression node)
    {
        while (true)
        {
            var token = _tokens.Current;
            if (token.Kind == TokenKind.Pipe)
            {
                node = ParseFilter(node, startInline: false)!;
            }
            else if (token.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (token.Kind == TokenKind.LeftParen)
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private Expression ParseSubscript(Expression node)
    {
        var token = _tokens.Next();
        if (token.Kind == TokenKind.Dot)
        {
            var attribute = _tokens.Next();
            return attribute.Kind switch
            {
                TokenKind.Name => new Expression.GetAttribute(node, attribute.Text, token.Line),
                TokenKind.Integer => new Expression.GetItem(node, new Expression.Literal(attribute.Value, attribute.Line), token.Line),
                _ => throw new TemplateException($"expected a name or number after '.', found '{attribute.Describe()}'", attribute.Line, attribute.Column),
            };
        }

        var keys = ImmutableArray.CreateBuilder<Expression>();
        while (_tokens.Current.Kind != TokenKind.RightBracket)
        {
            if (keys.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            keys.Add(ParseSubscribed());
        }

        _tokens.Expect(TokenKind.RightBracket, "']'");
        var key = keys.Count == 1 ? keys[0] : new Expression.TupleDisplay(keys.ToImmutable(), token.Line);
        return new Expression.GetItem(node, key, token.Line);
    }

    private Expression ParseSubscribed()
    {
        int line = _tokens.Current.Line;
        Expression? start = null;
        if (_tokens.Current.Kind != TokenKind.Colon)
        {
            var node = ParseExpression();
            if (_tokens.Current.Kind != TokenKind.Colon)
            {
                return node;
            }

            start = node;
        }

        _tokens.Next();
        Expression? stop = _tokens.Current.Kind is TokenKind.Colon or TokenKind.RightBracket or TokenKind.Comma ? null : ParseExpression();
        Expression? step = null;
        if (_tokens.SkipIf(TokenKind.Colon) && _tokens.Current.Kind is not (TokenKind.RightBracket or TokenKind.Comma))
        {
            step = ParseExpression();
        }

        return new Expression.SliceKey(start, stop, step, line);
    }

    /// <summary>The parenthesized arguments of a call, filter or test.</summary>
    public CallArguments ParseCallArguments()
    {
        var open = _tokens.Expect(TokenKind.LeftParen, "'('");
        var positional = ImmutableArray.CreateBuilder<Expression>();
        var keywords = ImmutableArray.CreateBuilder<(string, Expression)>();
        Expression? star = null;
        Expression? doubleStar = null;
        bool requireComma = false;
        while (_tokens.Current.Kind != TokenKind.RightParen)
        {
            if (requireComma)
            {
                _tokens.Expect(TokenKind.Comma, "','");
                if (_tokens.Current.Kind == TokenKind.RightParen)
                {
                    break;
                }
            }

            if (_tokens.Current.Kind == TokenKind.Mul)
            {
                Ensure(star is null && doubleStar is null, open);
                _tokens.Next();
                star = ParseExpression();
            }
            else if (_tokens.Current.Kind == TokenKind.Pow)
            {
                Ensure(doubleStar is null, open);
                _tokens.Next();
                doubleStar = ParseExpression();
            }
            else if (_tokens.Current.Kind == TokenKind.Name && _tokens.Peek().Kind == TokenKind.Assign)
            {
                Ensure(doubleStar is null, open);
                string name = _tokens.Next().Text;
                _tokens.Next();
                keywords.Add((name, ParseExpression()));
            }
            else
            {
                Ensure(star is null && doubleStar is null && keywords.Count == 0, open);
                positional.Add(ParseExpression());
            }

            requireComma = true;
        }

        _tokens.Expect(TokenKind.RightParen, "')'");
        return new CallArguments(positional.ToImmutable(), keywords.ToImmutable(), star, doubleStar);
    }

    private static void Ensure(bool valid, Token open)
    {
        if (!valid)
        {
            throw new TemplateException("invalid syntax for function call expression", open.Line, open.Column);
        }
    }

    private Expression.Call ParseCall(Expression node)
    {
        int line = _tokens.Current.Line;
        return new Expression.Call(node, ParseCallArguments(), line);
    }

    /// <summary>
    /// A chain of <c>|filter(args)</c> applied to <paramref name="node"/>; with <paramref name="startInline"/> the first
    /// filter has no pipe (a filter block). Returns <paramref name="node"/> when there is no filter.
    /// </summary>
    public Expression? ParseFilter(Expression? node, bool startInline)
    {
        while (_tokens.Current.Kind == TokenKind.Pipe || startInline)
        {
            if (!startInline)
            {
                _tokens.Next();
            }

            var token = _tokens.Expect(TokenKind.Name, "a filter name");
            string name = DottedName(token.Text);
            if (!Deferred && !JinjaFilters.IsKnown(name))
            {
                throw new TemplateException($"unknown filter '{name}'", token.Line, token.Column);
            }

            var arguments = _tokens.Current.Kind == TokenKind.LeftParen ? ParseCallArguments() : CallArguments.None;
            node = new Expression.FilterCall(node, name, arguments, Deferred, token.Line);
            startInline = false;
        }

        return node;
    }

    private Expression ParseTest(Expression node)
    {
        var isToken = _tokens.Next();
        bool negated = _tokens.SkipIfName("not");
        var token = _tokens.Expect(TokenKind.Name, "a test name");
        string name = DottedName(token.Text);
        if (!Deferred && !JinjaTests.IsKnown(name))
        {
            throw new TemplateException($"unknown test '{name}'", token.Line, token.Column);
        }

        var arguments = CallArguments.None;
        var current = _tokens.Current;
        if (current.Kind == TokenKind.LeftParen)
        {
            arguments = ParseCallArguments();
        }
        else if (current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float or TokenKind.LeftBracket or TokenKind.LeftBrace
                 && !(current.IsName("else") || current.IsName("or") || current.IsName("and")))
        {
            if (current.IsName("is"))
            {
                throw new TemplateException("tests cannot be chained with 'is'", current.Line, current.Column);
            }

            var argument = ParsePostfix(ParsePrimary(withNamespace: false));
            arguments = new CallArguments([argument], [], null, null);
        }

        Expression test = new Expression.TestCall(node, name, arguments, Deferred, isToken.Line);
        return negated ? new Expression.Not(test, isToken.Line) : test;
    }

    private string DottedName(string first)
    {
        string name = first;
        while (_tokens.SkipIf(TokenKind.Dot))
        {
            name += "." + _tokens.Expect(TokenKind.Name, "a name after '.'").Text;
        }

        return name;
    }
}
