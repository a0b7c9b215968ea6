// Recursive-descent parser for Jinja expressions, one method per precedence level of jinja2's grammar (operators here).
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>
/// Parses expressions with jinja2's precedence, loosest first: conditional, or, and, not, comparison, + -, ~,
/// * / // %, ** (left-associative, as in Jinja), unary - +, then primaries with postfix ., [], () and the filter /
/// test chain. Filters and tests must be known unless <see cref="Deferred"/> (inside an if), where Jinja defers the check.
/// </summary>
internal sealed partial class ExpressionParser
{
    /// <summary>The deepest expression nesting accepted (parentheses, brackets, operators).</summary>
    public const int MaxDepth = 200;

    private readonly TokenStream _tokens;
    private int _depth;

    /// <summary>A parser reading from <paramref name="tokens"/>.</summary>
    public ExpressionParser(TokenStream tokens) => _tokens = tokens;

    /// <summary>Inside an if or a conditional expression, where an unknown filter or test fails only when evaluated.</summary>
    public bool Deferred { get; set; }

    /// <summary>An expression, with conditional expressions when <paramref name="withConditional"/>.</summary>
    public Expression ParseExpression(bool withConditional = true)
    {
        var token = _tokens.Current;
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException($"expression nested more than {MaxDepth} levels deep", token.Line, token.Column);
        }

        try
        {
            return withConditional ? ParseConditional() : ParseOr();
        }
        finally
        {
            _depth--;
        }
    }

    private Expression ParseConditional()
    {
        int line = _tokens.Current.Line;
        var then = ParseOr();
        while (_tokens.SkipIfName("if"))
        {
            bool outer = Deferred;
            Deferred = true;
            var condition = ParseOr();
            var otherwise = _tokens.SkipIfName("else") ? ParseConditional() : null;
            Deferred = outer;
            then = new Expression.Conditional(condition, then, otherwise, line);
            line = _tokens.Current.Line;
        }

        return then;
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (_tokens.Current.IsName("or"))
        {
            int line = _tokens.Next().Line;
            left = new Expression.Logical(false, left, ParseAnd(), line);
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (_tokens.Current.IsName("and"))
        {
            int line = _tokens.Next().Line;
            left = new Expression.Logical(true, left, ParseNot(), line);
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (_tokens.Current.IsName("not"))
        {
            int line = _tokens.Next().Line;
            Guard(line);
            return new Expression.Not(ParseNot(), line);
        }

        return ParseComparison();
    }

    private Expression ParseComparison()
    {
        int line = _tokens.Current.Line;
        var first = ParseAdditive();
        var links = ImmutableArray.CreateBuilder<(Expression.ComparisonOperator, Expression)>();
        while (true)
        {
            var token = _tokens.Current;
            Expression.ComparisonOperator? op = token.Kind switch
            {
                TokenKind.Equal => Expression.ComparisonOperator.Equal,
                TokenKind.NotEqual => Expression.ComparisonOperator.NotEqual,
                TokenKind.Less => Expression.ComparisonOperator.Less,
                TokenKind.LessEqual => Expression.ComparisonOperator.LessEqual,
                TokenKind.Greater => Expression.ComparisonOperator.Greater,
                TokenKind.GreaterEqual => Expression.ComparisonOperator.GreaterEqual,
                _ => null,
            };
            if (op is { } found)
            {
                _tokens.Next();
                links.Add((found, ParseAdditive()));
            }
            else if (token.IsName("in"))
            {
                _tokens.Next();
                links.Add((Expression.ComparisonOperator.In, ParseAdditive()));
            }
            else if (token.IsName("not") && _tokens.Peek().IsName("in"))
            {
                _tokens.Next();
                _tokens.Next();
                links.Add((Expression.ComparisonOperator.NotIn, ParseAdditive()));
            }
            else
            {
                break;
            }
        }

        return links.Count == 0 ? first : new Expression.Comparison(first, links.ToImmutable(), line);
    }

    private Expression ParseAdditive()
    {
        var left = ParseConcat();
        while (_tokens.Current.Kind is TokenKind.Add or TokenKind.Sub)
        {
            var token = _tokens.Next();
            var op = token.Kind == TokenKind.Add ? Expression.ArithmeticOperator.Add : Expression.ArithmeticOperator.Subtract;
            left = new Expression.Arithmetic(op, left, ParseConcat(), token.Line);
        }

        return left;
    }

    private Expression ParseConcat()
    {
        int line = _tokens.Current.Line;
        var first = ParseMultiplicative();
        if (_tokens.Current.Kind != TokenKind.Tilde)
        {
            return first;
        }

        var parts = ImmutableArray.CreateBuilder<Expression>();
        parts.Add(first);
        while (_tokens.SkipIf(TokenKind.Tilde))
        {
            parts.Add(ParseMultiplicative());
        }

        return new Expression.Concat(parts.ToImmutable(), line);
    }

    private Expression ParseMultiplicative()
    {
        var left = ParsePower();
        while (true)
        {
            Expression.ArithmeticOperator? op = _tokens.Current.Kind switch
            {
                TokenKind.Mul => Expression.ArithmeticOperator.Multiply,
                TokenKind.Div => Expression.ArithmeticOperator.Divide,
                TokenKind.FloorDiv => Expression.ArithmeticOperator.FloorDivide,
                TokenKind.Mod => Expression.ArithmeticOperator.Modulo,
                _ => null,
            };
            if (op is not { } found)
            {
                return left;
            }

            int line = _tokens.Next().Line;
            left = new Expression.Arithmetic(found, left, ParsePower(), line);
        }
    }

    private Expression ParsePower()
    {
        var left = ParseUnary(withFilter: true);
        while (_tokens.Current.Kind == TokenKind.Pow)
        {
            int line = _tokens.Next().Line;
            left = new Expression.Arithmetic(Expression.ArithmeticOperator.Power, left, ParseUnary(withFilter: true), line);
        }

        return left;
    }

    private Expression ParseUnary(bool withFilter)
    {
        var token = _tokens.Current;
        Expression node;
        if (token.Kind is TokenKind.Sub or TokenKind.Add)
        {
            _tokens.Next();
            Guard(token.Line);
            node = new Expression.Sign(token.Kind == TokenKind.Sub, ParseUnary(withFilter: false), token.Line);
        }
        else
        {
            node = ParsePrimary(withNamespace: false);
        }

        node = ParsePostfix(node);
        return withFilter ? ParseFilterChain(node) : node;
    }

    private static void Guard(int line)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException("expression nested too deeply", line);
        }
    }
}
