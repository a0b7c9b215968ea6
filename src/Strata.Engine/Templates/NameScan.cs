// Finds the variables a macro body reads, so a macro accepts varargs, kwargs and caller only when it uses them (as Jinja does).
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>The names read anywhere in a body, not counting the bodies of macros defined inside it.</summary>
internal static class NameScan
{
    /// <summary>Every variable name read in <paramref name="body"/>.</summary>
    public static HashSet<string> Reads(ImmutableArray<Statement> body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in body)
        {
            Visit(statement, names);
        }

        return names;
    }

    private static void Visit(Statement statement, HashSet<string> names)
    {
        switch (statement)
        {
            case Statement.Print print: Visit(print.Value, names); break;
            case Statement.If conditional:
                foreach (var branch in conditional.Branches)
                {
                    Visit(branch.Condition, names);
                    VisitAll(branch.Body, names);
                }

                VisitAll(conditional.Else, names);
                break;
            case Statement.For loop:
                Visit(loop.Iterable, names);
                Visit(loop.Condition, names);
                VisitAll(loop.Body, names);
                VisitAll(loop.Else, names);
                break;
            case Statement.Set set: Visit(set.Value, names); break;
            case Statement.SetBlock block:
                Visit(block.Filter, names);
                VisitAll(block.Body, names);
                break;
            case Statement.CallBlock call: Visit(call.Call, names); break;
            case Statement.FilterBlock filter:
                Visit(filter.Filter, names);
                VisitAll(filter.Body, names);
                break;
            case Statement.With with:
                foreach (var (_, value) in with.Assignments)
                {
                    Visit(value, names);
                }

                VisitAll(with.Body, names);
                break;
            case Statement.Generation generation: VisitAll(generation.Body, names); break;
        }
    }

    private static void VisitAll(ImmutableArray<Statement> body, HashSet<string> names)
    {
        foreach (var statement in body)
        {
            Visit(statement, names);
        }
    }

    private static void Visit(Expression? expression, HashSet<string> names)
    {
        if (expression is Expression.Variable variable)
        {
            names.Add(variable.Name);
        }

        foreach (var child in Children(expression))
        {
            Visit(child, names);
        }
    }

    /// <summary>The sub-expressions of <paramref name="expression"/> (null entries for absent optional parts).</summary>
    private static IEnumerable<Expression?> Children(Expression? expression) => expression switch
    {
        Expression.ListDisplay list => [.. list.Items],
        Expression.TupleDisplay tuple => [.. tuple.Items],
        Expression.DictDisplay dict => [.. dict.Pairs.SelectMany(p => new[] { p.Key, p.Value })],
        Expression.GetAttribute attribute => [attribute.Target],
        Expression.GetItem item => [item.Target, item.Key],
        Expression.SliceKey slice => [slice.Start, slice.Stop, slice.Step],
        Expression.Call call => [call.Callee, .. Children(call.Arguments)],
        Expression.FilterCall filter => [filter.Target, .. Children(filter.Arguments)],
        Expression.TestCall test => [test.Target, .. Children(test.Arguments)],
        Expression.Not not => [not.Operand],
        Expression.Sign sign => [sign.Operand],
        Expression.Arithmetic arithmetic => [arithmetic.Left, arithmetic.Right],
        Expression.Logical logical => [logical.Left, logical.Right],
        Expression.Concat concat => [.. concat.Parts],
        Expression.Comparison comparison => [comparison.First, .. comparison.Links.Select(l => l.Operand)],
        Expression.Conditional conditional => [conditional.Condition, conditional.Then, conditional.Otherwise],
        _ => [],
    };

    private static IEnumerable<Expression?> Children(CallArguments arguments) =>
        [.. arguments.Positional, .. arguments.Keywords.Select(k => k.Value), arguments.Star, arguments.DoubleStar];
}
