// The arguments written at a call site: positional, keyword, *args and **kwargs expressions.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>The arguments of a call, filter or test.</summary>
/// <param name="Positional">positional arguments</param>
/// <param name="Keywords">name=value arguments, in order</param>
/// <param name="Star">a <c>*args</c> expression</param>
/// <param name="DoubleStar">a <c>**kwargs</c> expression</param>
internal sealed record CallArguments(
    ImmutableArray<Expression> Positional,
    ImmutableArray<(string Name, Expression Value)> Keywords,
    Expression? Star,
    Expression? DoubleStar)
{
    /// <summary>No arguments.</summary>
    public static readonly CallArguments None = new([], [], null, null);
}
