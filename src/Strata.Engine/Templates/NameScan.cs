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
        switch (expression)
        {
            case null: break;
            case Expression.Variable variable: names.Add(variable.Name); break;
            case Expression.ListDisplay list: VisitAll(list.Items, names); break;
            case Expression.TupleDisplay tuple: VisitAll(tuple.Items, names); break;
            case Expression.DictDisplay dict:
                foreach (var (key, value) in dict.Pairs)
                {
                    Visit(key, names);
                    Visit(value, names);
                }

                break;
            case Expression.GetAttribute attribute: Visit(attribute.Target, names); break;
            case Expression.GetItem item:
                Visit(item.Target, names);
                Visit(item.Key, names);
                break;
            case Expression.SliceKey slice:
                Visit(slice.Start, names);
                Visit(slice.Stop, names);
                Visit(slice.Step, names);
                break;
            case Expression.Call call:
                Visit(call.Callee, names);
                Visit(call.Arguments, names);
                break;
            case Expression.FilterCall filter:
                Visit(filter.Target, names);
                Visit(filter.Arguments, names);
                break;
            case Expression.TestCall test:
                Visit(test.Target, names);
                Visit(test.Arguments, names);
                break;
            case Expression.Not not: Visit(not.Operand, names); break;
            case Expression.Sign sign: Visit(sign.Operand, names); break;
            case Expression.Arithmetic arithmetic:
                Visit(arithmetic.Left, names);
                Visit(arithmetic.Right, names);
                break;
            case Expression.Logical logical:
                Visit(logical.Left, names);
                Visit(logical.Right, names);
                break;
            case Expression.Concat concat: VisitAll(concat.Parts, names); break;
            case Expression.Comparison comparison:
                Visit(comparison.First, names);
                foreach (var (_, operand) in comparison.Links)
                {
                    Visit(operand, names);
                }

                break;
            case Expression.Conditional conditional:
                Visit(conditional.Condition, names);
                Visit(conditional.Then, names);
                Visit(conditional.Otherwise, names);
                break;
        }
    }

    private static void VisitAll(ImmutableArray<Expression> items, HashSet<string> names)
    {
        foreach (var item in items)
        {
            Visit(item, names);
        }
    }

    private static void Visit(CallArguments arguments, HashSet<string> names)
    {
        VisitAll(arguments.Positional, names);
        foreach (var (_, value) in arguments.Keywords)
        {
            Visit(value, names);
        }

        Visit(arguments.Star, names);
        Visit(arguments.DoubleStar, names);
    }
}
