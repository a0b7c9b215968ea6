// The immutable expression tree of a parsed template: one abstract record, one nested record per Jinja construct.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>A Jinja expression. <see cref="Line"/> is where it starts, for error messages.</summary>
internal abstract record Expression(int Line)
{
    /// <summary>The arithmetic operators.</summary>
    internal enum ArithmeticOperator
    {
        /// <summary><c>+</c></summary>
        Add,

        /// <summary><c>-</c></summary>
        Subtract,

        /// <summary><c>*</c></summary>
        Multiply,

        /// <summary><c>/</c> (always a float)</summary>
        Divide,

        /// <summary><c>//</c> (floor)</summary>
        FloorDivide,

        /// <summary><c>%</c> (floor modulo, or printf formatting of a string)</summary>
        Modulo,

        /// <summary><c>**</c></summary>
        Power,
    }

    /// <summary>The comparison operators of a chain such as <c>a &lt; b &lt;= c</c>.</summary>
    internal enum ComparisonOperator
    {
        /// <summary><c>==</c></summary>
        Equal,

        /// <summary><c>!=</c></summary>
        NotEqual,

        /// <summary><c>&lt;</c></summary>
        Less,

        /// <summary><c>&lt;=</c></summary>
        LessEqual,

        /// <summary><c>&gt;</c></summary>
        Greater,

        /// <summary><c>&gt;=</c></summary>
        GreaterEqual,

        /// <summary><c>in</c></summary>
        In,

        /// <summary><c>not in</c></summary>
        NotIn,
    }

    /// <summary>A constant: string, long, double, bool or null (none).</summary>
    internal sealed record Literal(object? Value, int Line) : Expression(Line);

    /// <summary>A variable reference.</summary>
    internal sealed record Variable(string Name, int Line) : Expression(Line);

    /// <summary><c>[a, b]</c></summary>
    internal sealed record ListDisplay(ImmutableArray<Expression> Items, int Line) : Expression(Line);

    /// <summary><c>(a, b)</c> or <c>a, b</c></summary>
    internal sealed record TupleDisplay(ImmutableArray<Expression> Items, int Line) : Expression(Line);

    /// <summary><c>{k: v}</c></summary>
    internal sealed record DictDisplay(ImmutableArray<(Expression Key, Expression Value)> Pairs, int Line) : Expression(Line);

    /// <summary><c>target.name</c>: an attribute, else the item of that name.</summary>
    internal sealed record GetAttribute(Expression Target, string Name, int Line) : Expression(Line);

    /// <summary><c>target[key]</c>: an item, else the attribute of that name; the key may be a <see cref="SliceKey"/>.</summary>
    internal sealed record GetItem(Expression Target, Expression Key, int Line) : Expression(Line);

    /// <summary><c>start:stop:step</c> inside brackets.</summary>
    internal sealed record SliceKey(Expression? Start, Expression? Stop, Expression? Step, int Line) : Expression(Line);

    /// <summary><c>callee(args)</c></summary>
    internal sealed record Call(Expression Callee, CallArguments Arguments, int Line) : Expression(Line);

    /// <summary><c>target|name(args)</c>; a null target is the body of a filter block or a set block. Deferred: it is
    /// inside an if or a conditional expression, where an unknown filter fails only when evaluated.</summary>
    internal sealed record FilterCall(Expression? Target, string Name, CallArguments Arguments, bool Deferred, int Line) : Expression(Line);

    /// <summary><c>target is name(args)</c>. Deferred: it is inside an if or a conditional expression, where an unknown
    /// test fails only when evaluated.</summary>
    internal sealed record TestCall(Expression Target, string Name, CallArguments Arguments, bool Deferred, int Line) : Expression(Line);

    /// <summary><c>not operand</c></summary>
    internal sealed record Not(Expression Operand, int Line) : Expression(Line);

    /// <summary><c>-operand</c> (<paramref name="Negate"/>) or <c>+operand</c>.</summary>
    internal sealed record Sign(bool Negate, Expression Operand, int Line) : Expression(Line);

    /// <summary><c>left op right</c></summary>
    internal sealed record Arithmetic(ArithmeticOperator Operator, Expression Left, Expression Right, int Line) : Expression(Line);

    /// <summary><c>left and right</c> (<paramref name="IsAnd"/>) or <c>left or right</c>, short-circuiting.</summary>
    internal sealed record Logical(bool IsAnd, Expression Left, Expression Right, int Line) : Expression(Line);

    /// <summary><c>a ~ b ~ c</c>: the parts as strings, joined.</summary>
    internal sealed record Concat(ImmutableArray<Expression> Parts, int Line) : Expression(Line);

    /// <summary><c>first op1 x op2 y</c>: true when every link holds.</summary>
    internal sealed record Comparison(Expression First, ImmutableArray<(ComparisonOperator Operator, Expression Operand)> Links, int Line) : Expression(Line);

    /// <summary><c>then if condition else otherwise</c>; with no else the result is undefined.</summary>
    internal sealed record Conditional(Expression Condition, Expression Then, Expression? Otherwise, int Line) : Expression(Line);

    /// <summary><c>ns.attr</c> as an assignment target of set.</summary>
    internal sealed record NamespaceRef(string Name, string Attribute, int Line) : Expression(Line);
}
