// Parses a token stream into the statement tree: template text, {{ }} prints and {% %} tags with their bodies.
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>
/// The statement half of the parser. Tags: for, if, set (and set blocks), macro, call, filter, with, print, break,
/// continue (the loopcontrols extension), generation (transformers' extension) and raw (handled by the lexer).
/// Template inheritance (extends, block, include, import) is refused.
/// </summary>
internal sealed class Parser
{
    /// <summary>The deepest nesting of tags accepted.</summary>
    public const int MaxNesting = 200;

    private static readonly HashSet<string> UnsupportedTags = new(StringComparer.Ordinal)
    {
        "block", "extends", "include", "import", "from", "autoescape",
    };

    private readonly TokenStream _tokens;
    private readonly ExpressionParser _expressions;
    private int _nesting;
    private int _loopDepth;

    private Parser(List<Token> tokens)
    {
        _tokens = new TokenStream(tokens);
        _expressions = new ExpressionParser(_tokens);
    }

    /// <summary>The statements of a template.</summary>
    /// <exception cref="TemplateException">the template is malformed or uses an unsupported tag</exception>
    public static ImmutableArray<Statement> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.Subparse(null);
        return body;
    }

    /// <summary>Statements up to a tag named one of <paramref name="endNames"/> (left current), or to the end when null.</summary>
    private ImmutableArray<Statement> Subparse(string[]? endNames)
    {
        var body = ImmutableArray.CreateBuilder<Statement>();
        while (true)
        {
            var token = _tokens.Current;
            switch (token.Kind)
            {
                case TokenKind.End:
                    if (endNames is not null)
                    {
                        throw new TemplateException($"unexpected end of template, expected {Describe(endNames)}", token.Line, token.Column);
                    }

                    return body.ToImmutable();
                case TokenKind.Data:
                    _tokens.Next();
                    body.Add(new Statement.Text(token.Text, token.Line));
                    break;
                case TokenKind.VariableBegin:
                    _tokens.Next();
                    body.Add(new Statement.Print(_expressions.ParseTuple(), token.Line));
                    _tokens.Expect(TokenKind.VariableEnd, "'}}'");
                    break;
                case TokenKind.BlockBegin:
                    _tokens.Next();
                    var name = _tokens.Current;
                    if (endNames is not null && name.Kind == TokenKind.Name && Array.IndexOf(endNames, name.Text) >= 0)
                    {
                        return body.ToImmutable();
                    }

                    body.AddRange(ParseStatement());
                    _tokens.Expect(TokenKind.BlockEnd, "'%}'");
                    break;
                default:
                    throw new TemplateException($"unexpected '{token.Describe()}'", token.Line, token.Column);
            }
        }
    }

    private static string Describe(string[] names) => string.Join(" or ", names.Select(n => $"'{n}'"));

    private List<Statement> ParseStatement()
    {
        var token = _tokens.Current;
        if (token.Kind != TokenKind.Name)
        {
            throw new TemplateException($"expected a tag name, found '{token.Describe()}'", token.Line, token.Column);
        }

        if (++_nesting > MaxNesting || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException($"tags nested more than {MaxNesting} levels deep", token.Line, token.Column);
        }

        try
        {
            return token.Text switch
            {
                "for" => [ParseFor()],
                "if" => [ParseIf()],
                "set" => [ParseSet()],
                "macro" => [ParseMacro()],
                "call" => [ParseCallBlock()],
                "filter" => [ParseFilterBlock()],
                "with" => [ParseWith()],
                "print" => ParsePrint(),
                "generation" => [ParseGeneration()],
                "break" or "continue" => [ParseLoopControl()],
                _ when UnsupportedTags.Contains(token.Text) => throw new TemplateException($"unsupported tag '{token.Text}'", token.Line, token.Column),
                _ => throw new TemplateException($"unknown tag '{token.Text}'", token.Line, token.Column),
            };
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>The body of a tag: its <c>%}</c>, then statements up to one of <paramref name="endNames"/>.</summary>
    private ImmutableArray<Statement> ParseBody(string[] endNames, bool dropEnd)
    {
        _tokens.SkipIf(TokenKind.Colon);
        _tokens.Expect(TokenKind.BlockEnd, "'%}'");
        var body = Subparse(endNames);
        if (dropEnd)
        {
            _tokens.Next();
        }

        return body;
    }

    /// <summary>A body parsed in a frame of its own (a loop, macro or block body), where Jinja checks filters at parse time.</summary>
    private ImmutableArray<Statement> ParseInnerBody(string[] endNames, bool dropEnd, bool inLoop)
    {
        bool deferred = _expressions.Deferred;
        int loops = _loopDepth;
        _expressions.Deferred = false;
        _loopDepth = inLoop ? loops + 1 : 0;
        try
        {
            return ParseBody(endNames, dropEnd);
        }
        finally
        {
            _expressions.Deferred = deferred;
            _loopDepth = loops;
        }
    }

    private Statement.For ParseFor()
    {
        int line = _tokens.Next().Line;
        var target = ParseAssignTarget(endNames: ["in"]);
        _tokens.ExpectName("in");
        var iterable = _expressions.ParseTuple(withConditional: false, endNames: ["recursive"]);
        Expression? condition = null;
        if (_tokens.SkipIfName("if"))
        {
            bool deferred = _expressions.Deferred;
            _expressions.Deferred = false;
            condition = _expressions.ParseExpression();
            _expressions.Deferred = deferred;
        }

        if (_tokens.Current.IsName("recursive"))
        {
            throw new TemplateException("unsupported recursive for loop", _tokens.Current.Line, _tokens.Current.Column);
        }

        var body = ParseInnerBody(["endfor", "else"], dropEnd: false, inLoop: true);
        var otherwise = ImmutableArray<Statement>.Empty;
        if (_tokens.Next().Text == "else")
        {
            otherwise = ParseInnerBody(["endfor"], dropEnd: true, inLoop: _loopDepth > 0);
        }

        return new Statement.For(target, iterable, condition, body, otherwise, line);
    }

    private Statement.If ParseIf()
    {
        int line = _tokens.Next().Line;
        bool deferred = _expressions.Deferred;
        _expressions.Deferred = true;
        try
        {
            var branches = ImmutableArray.CreateBuilder<Statement.Branch>();
            var otherwise = ImmutableArray<Statement>.Empty;
            int branchLine = line;
            while (true)
            {
                var condition = _expressions.ParseTuple(withConditional: false);
                var body = ParseBody(["elif", "else", "endif"], dropEnd: false);
                branches.Add(new Statement.Branch(condition, body, branchLine));
                var end = _tokens.Next();
                if (end.Text == "elif")
                {
                    branchLine = end.Line;
                    continue;
                }

                if (end.Text == "else")
                {
                    otherwise = ParseBody(["endif"], dropEnd: true);
                }

                return new Statement.If(branches.ToImmutable(), otherwise, line);
            }
        }
        finally
        {
            _expressions.Deferred = deferred;
        }
    }

    private Statement ParseSet()
    {
        int line = _tokens.Next().Line;
        var target = ParseAssignTarget(withNamespace: true);
        if (_tokens.SkipIf(TokenKind.Assign))
        {
            return new Statement.Set(target, _expressions.ParseTuple(), line);
        }

        var filter = _expressions.ParseFilter(null, startInline: false) as Expression.FilterCall;
        var body = ParseInnerBody(["endset"], dropEnd: true, inLoop: _loopDepth > 0);
        return new Statement.SetBlock(target, filter, body, line);
    }

    private Statement.Macro ParseMacro()
    {
        int line = _tokens.Next().Line;
        string name = _tokens.Expect(TokenKind.Name, "a macro name").Text;
        var parameters = ParseSignature();
        var body = ParseInnerBody(["endmacro"], dropEnd: true, inLoop: false);
        return MakeMacro(name, parameters, body, line);
    }

    private static Statement.Macro MakeMacro(string name, ImmutableArray<Statement.Parameter> parameters, ImmutableArray<Statement> body, int line)
    {
        var reads = NameScan.Reads(body);
        return new Statement.Macro(name, parameters, body, reads.Contains("varargs"), reads.Contains("kwargs"), reads.Contains("caller"), line);
    }

    private ImmutableArray<Statement.Parameter> ParseSignature()
    {
        var parameters = ImmutableArray.CreateBuilder<Statement.Parameter>();
        _tokens.Expect(TokenKind.LeftParen, "'('");
        while (_tokens.Current.Kind != TokenKind.RightParen)
        {
            if (parameters.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            var name = _tokens.Expect(TokenKind.Name, "a parameter name");
            Expression? value = null;
            if (_tokens.SkipIf(TokenKind.Assign))
            {
                value = _expressions.ParseExpression();
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw new TemplateException("non-default argument follows default argument", name.Line, name.Column);
            }

            parameters.Add(new Statement.Parameter(name.Text, value, name.Line));
        }

        _tokens.Expect(TokenKind.RightParen, "')'");
        return parameters.ToImmutable();
    }

    private Statement.CallBlock ParseCallBlock()
    {
        var start = _tokens.Next();
        var parameters = _tokens.Current.Kind == TokenKind.LeftParen ? ParseSignature() : [];
        if (_expressions.ParseExpression() is not Expression.Call call)
        {
            throw new TemplateException("expected a call after 'call'", start.Line, start.Column);
        }

        var body = ParseInnerBody(["endcall"], dropEnd: true, inLoop: false);
        return new Statement.CallBlock(call, MakeMacro("caller", parameters, body, start.Line), start.Line);
    }

    private Statement.FilterBlock ParseFilterBlock()
    {
        int line = _tokens.Next().Line;
        var filter = (Expression.FilterCall)_expressions.ParseFilter(null, startInline: true)!;
        var body = ParseInnerBody(["endfilter"], dropEnd: true, inLoop: _loopDepth > 0);
        return new Statement.FilterBlock(filter, body, line);
    }

    private Statement.With ParseWith()
    {
        int line = _tokens.Next().Line;
        var assignments = ImmutableArray.CreateBuilder<(Expression, Expression)>();
        while (_tokens.Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            var target = ParseAssignTarget();
            _tokens.Expect(TokenKind.Assign, "'='");
            assignments.Add((target, _expressions.ParseExpression()));
        }

        var body = ParseInnerBody(["endwith"], dropEnd: true, inLoop: _loopDepth > 0);
        return new Statement.With(assignments.ToImmutable(), body, line);
    }

    private List<Statement> ParsePrint()
    {
        int line = _tokens.Next().Line;
        var prints = new List<Statement>();
        while (_tokens.Current.Kind != TokenKind.BlockEnd)
        {
            if (prints.Count > 0)
            {
                _tokens.Expect(TokenKind.Comma, "','");
            }

            prints.Add(new Statement.Print(_expressions.ParseExpression(), line));
        }

        return prints;
    }

    private Statement.Generation ParseGeneration()
    {
        int line = _tokens.Next().Line;
        return new Statement.Generation(ParseInnerBody(["endgeneration"], dropEnd: true, inLoop: false), line);
    }

    private Statement ParseLoopControl()
    {
        var token = _tokens.Next();
        if (_loopDepth == 0)
        {
            throw new TemplateException($"'{token.Text}' outside a for loop", token.Line, token.Column);
        }

        return token.Text == "break" ? new Statement.Break(token.Line) : new Statement.Continue(token.Line);
    }

    /// <summary>A name, a tuple of names, or (with <paramref name="withNamespace"/>) <c>ns.attr</c>, as set and for assign.</summary>
    private Expression ParseAssignTarget(string[]? endNames = null, bool withNamespace = false)
    {
        var start = _tokens.Current;
        var target = _expressions.ParseTuple(simplified: true, endNames: endNames, withNamespace: withNamespace);
        if (!CanAssign(target))
        {
            throw new TemplateException($"cannot assign to {Kind(target)}", start.Line, start.Column);
        }

        return target;
    }

    private static bool CanAssign(Expression target) => target switch
    {
        Expression.Variable or Expression.NamespaceRef => true,
        Expression.TupleDisplay tuple => tuple.Items.All(CanAssign),
        _ => false,
    };

    private static string Kind(Expression target) => target switch
    {
        Expression.Literal => "a constant",
        Expression.ListDisplay => "a list",
        Expression.DictDisplay => "a dict",
        _ => "an expression",
    };
}
