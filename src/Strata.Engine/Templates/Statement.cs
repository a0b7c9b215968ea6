// The immutable statement tree of a parsed template: one abstract record, one nested record per Jinja tag.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>A Jinja statement or a piece of template text. <see cref="Line"/> is where it starts.</summary>
internal abstract record Statement(int Line)
{
    /// <summary>Template text, written as it is.</summary>
    internal sealed record Text(string Value, int Line) : Statement(Line);

    /// <summary><c>{{ value }}</c>: the value as Python's <c>str()</c> writes it.</summary>
    internal sealed record Print(Expression Value, int Line) : Statement(Line);

    /// <summary>One <c>if</c> or <c>elif</c> test and its body.</summary>
    internal sealed record Branch(Expression Condition, ImmutableArray<Statement> Body, int Line) : Statement(Line);

    /// <summary><c>{% if %}...{% elif %}...{% else %}...{% endif %}</c></summary>
    internal sealed record If(ImmutableArray<Branch> Branches, ImmutableArray<Statement> Else, int Line) : Statement(Line);

    /// <summary><c>{% for target in iterable if condition %}...{% else %}...{% endfor %}</c></summary>
    internal sealed record For(
        Expression Target, Expression Iterable, Expression? Condition, ImmutableArray<Statement> Body, ImmutableArray<Statement> Else, int Line)
        : Statement(Line);

    /// <summary><c>{% set target = value %}</c>; the target is a name, a tuple of names or a namespace attribute.</summary>
    internal sealed record Set(Expression Target, Expression Value, int Line) : Statement(Line);

    /// <summary><c>{% set target | filter %}body{% endset %}</c>: the rendered body, filtered, assigned.</summary>
    internal sealed record SetBlock(Expression Target, Expression.FilterCall? Filter, ImmutableArray<Statement> Body, int Line) : Statement(Line);

    /// <summary>A macro parameter with its default, if any.</summary>
    internal sealed record Parameter(string Name, Expression? Default, int Line) : Statement(Line);

    /// <summary><c>{% macro name(params) %}body{% endmacro %}</c>, or the caller of a call block. As in Jinja, it accepts
    /// extra positional arguments only if the body reads <c>varargs</c> (CatchesVarargs), unknown keywords only if it
    /// reads <c>kwargs</c> (CatchesKwargs), and a caller only if it reads <c>caller</c> (UsesCaller).</summary>
    internal sealed record Macro(
        string Name, ImmutableArray<Parameter> Parameters, ImmutableArray<Statement> Body, bool CatchesVarargs, bool CatchesKwargs, bool UsesCaller, int Line)
        : Statement(Line);

    /// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: calls the macro with the body as <c>caller</c>.</summary>
    internal sealed record CallBlock(Expression.Call Call, Macro Caller, int Line) : Statement(Line);

    /// <summary><c>{% filter name(args) %}body{% endfilter %}</c></summary>
    internal sealed record FilterBlock(Expression.FilterCall Filter, ImmutableArray<Statement> Body, int Line) : Statement(Line);

    /// <summary><c>{% with a = x %}body{% endwith %}</c></summary>
    internal sealed record With(ImmutableArray<(Expression Target, Expression Value)> Assignments, ImmutableArray<Statement> Body, int Line) : Statement(Line);

    /// <summary>transformers' <c>{% generation %}body{% endgeneration %}</c>: renders its body (in a scope of its own).</summary>
    internal sealed record Generation(ImmutableArray<Statement> Body, int Line) : Statement(Line);

    /// <summary><c>{% break %}</c></summary>
    internal sealed record Break(int Line) : Statement(Line);

    /// <summary><c>{% continue %}</c></summary>
    internal sealed record Continue(int Line) : Statement(Line);
}
