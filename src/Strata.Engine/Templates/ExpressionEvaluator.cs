// Evaluates expression trees to template values with Python semantics; Python-level errors get the expression's line.
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>
/// Evaluates expressions for one render. Operators, attribute access, calls, filters and tests follow jinja2; a
/// <see cref="PyError"/> raised inside becomes a <see cref="TemplateException"/> naming the expression's line.
/// Strings and lists an expression builds are charged to the render's step budget by size.
/// </summary>
internal sealed class ExpressionEvaluator
{
    private readonly Renderer _renderer;

    /// <summary>An evaluator for <paramref name="renderer"/>.</summary>
    public ExpressionEvaluator(Renderer renderer) => _renderer = renderer;

    /// <summary>The value of <paramref name="expression"/> in <paramref name="scope"/>.</summary>
    /// <exception cref="TemplateException">the evaluation failed</exception>
    public object? Evaluate(Expression expression, Scope scope)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException("expression nests too deeply to evaluate", expression.Line);
        }

        try
        {
            return EvaluateCore(expression, scope);
        }
        catch (PyError error)
        {
            throw new TemplateException(error.Message, expression.Line);
        }
    }

    /// <summary>The text <c>{{ expression }}</c> writes.</summary>
    public string Print(Expression expression, Scope scope)
    {
        var value = Evaluate(expression, scope);
        try
        {
            return PyRepr.Str(value);
        }
        catch (PyError error)
        {
            throw new TemplateException(error.Message, expression.Line);
        }
    }

    private object? EvaluateCore(Expression expression, Scope scope)
    {
        switch (expression)
        {
            case Expression.Literal literal:
                return literal.Value;
            case Expression.Variable variable:
                return scope.TryGet(variable.Name, out var value) ? value : Undefined.Variable(variable.Name);
            case Expression.ListDisplay list:
                return PyList.Of([.. list.Items.Select(item => Evaluate(item, scope))]);
            case Expression.TupleDisplay tuple:
                return PyList.Tuple([.. tuple.Items.Select(item => Evaluate(item, scope))]);
            case Expression.DictDisplay dict:
                return dict.Pairs.Aggregate(new PyDict.Builder(), (b, pair) => b.Set(Evaluate(pair.Key, scope), Evaluate(pair.Value, scope))).Build();
            case Expression.GetAttribute attribute:
                return PyAccess.GetAttribute(Evaluate(attribute.Target, scope), attribute.Name);
            case Expression.GetItem item:
                return GetItem(item, scope);
            case Expression.Call call:
                return Charge(Invoke(Evaluate(call.Callee, scope), EvaluateArguments(call.Arguments, scope), call.Line), call.Line);
            case Expression.FilterCall filter:
                return ApplyFilter(filter, scope, null);
            case Expression.TestCall test:
                return JinjaTests.Apply(_renderer, test.Name, Evaluate(test.Target, scope), EvaluateArguments(test.Arguments, scope), test.Line);
            case Expression.Not not:
                return !PyOperators.IsTrue(Evaluate(not.Operand, scope));
            case Expression.Sign sign:
                return PyOperators.Sign(sign.Negate, Evaluate(sign.Operand, scope));
            case Expression.Arithmetic arithmetic:
                var left = Evaluate(arithmetic.Left, scope);
                return Charge(PyOperators.Arithmetic(arithmetic.Operator, left, Evaluate(arithmetic.Right, scope)), arithmetic.Line);
            case Expression.Logical logical:
                var first = Evaluate(logical.Left, scope);
                return PyOperators.IsTrue(first) == logical.IsAnd ? Evaluate(logical.Right, scope) : first;
            case Expression.Concat concat:
                string joined = Markup.Plain(string.Concat(concat.Parts.Select(part => PyRepr.Str(Evaluate(part, scope)))));
                PyOperators.CheckSize(joined.Length);
                return Charge(joined, concat.Line);
            case Expression.Comparison comparison:
                return Compare(comparison, scope);
            case Expression.Conditional conditional:
                return Conditional(conditional, scope);
            default:
                throw new TemplateException($"'{expression.GetType().Name}' cannot be evaluated here", expression.Line);
        }
    }

    private object? Conditional(Expression.Conditional conditional, Scope scope)
    {
        if (PyOperators.IsTrue(Evaluate(conditional.Condition, scope)))
        {
            return Evaluate(conditional.Then, scope);
        }

        return conditional.Otherwise is null
            ? Undefined.WithHint($"the inline if-expression on line {conditional.Line} evaluated to false and no else section was defined.")
            : Evaluate(conditional.Otherwise, scope);
    }

    private object? GetItem(Expression.GetItem item, Scope scope)
    {
        var target = Evaluate(item.Target, scope);
        if (item.Key is Expression.SliceKey slice)
        {
            object? Bound(Expression? bound) => bound is null ? null : Evaluate(bound, scope);
            var (start, stop, step) = (Bound(slice.Start), Bound(slice.Stop), Bound(slice.Step));
            try
            {
                return Charge(PyAccess.Slice(target, start, stop, step), item.Line);
            }
            catch (PyError) when (IsConstant(item.Target) && IsConstant(slice.Start) && IsConstant(slice.Stop) && IsConstant(slice.Step))
            {
                // jinja2 folds a constant slice at compile time through the sandbox's getitem, which gives undefined.
                return Undefined.Member(target, "slice");
            }
        }

        return PyAccess.GetItem(target, Evaluate(item.Key, scope));
    }

    /// <summary>True for what jinja2's optimizer folds to a constant: literals, and displays, signs, arithmetic and
    /// concatenations of them.</summary>
    private static bool IsConstant(Expression? expression) => expression switch
    {
        null or Expression.Literal => true,
        Expression.ListDisplay list => list.Items.All(i => IsConstant(i)),
        Expression.TupleDisplay tuple => tuple.Items.All(i => IsConstant(i)),
        Expression.DictDisplay dict => dict.Pairs.All(p => IsConstant(p.Key) && IsConstant(p.Value)),
        Expression.Sign sign => IsConstant(sign.Operand),
        Expression.Not not => IsConstant(not.Operand),
        Expression.Arithmetic arithmetic => IsConstant(arithmetic.Left) && IsConstant(arithmetic.Right),
        Expression.Concat concat => concat.Parts.All(p => IsConstant(p)),
        _ => false,
    };

    private bool Compare(Expression.Comparison comparison, Scope scope)
    {
        var left = Evaluate(comparison.First, scope);
        foreach (var (op, operand) in comparison.Links)
        {
            var right = Evaluate(operand, scope);
            bool holds = op switch
            {
                Expression.ComparisonOperator.Equal => PyCompare.AreEqual(left, right),
                Expression.ComparisonOperator.NotEqual => !PyCompare.AreEqual(left, right),
                Expression.ComparisonOperator.In => PyOperators.Contains(right, left),
                Expression.ComparisonOperator.NotIn => !PyOperators.Contains(right, left),
                _ => Order(op, left, right),
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }

    private static bool Order(Expression.ComparisonOperator op, object? left, object? right)
    {
        PyOperators.FailIfUndefined(left);
        PyOperators.FailIfUndefined(right);
        return op switch
        {
            Expression.ComparisonOperator.Less => PyCompare.Order(left, right, "<") < 0,
            Expression.ComparisonOperator.LessEqual => PyCompare.Order(left, right, "<=") <= 0,
            Expression.ComparisonOperator.Greater => PyCompare.Order(left, right, ">") > 0,
            _ => PyCompare.Order(left, right, ">=") >= 0,
        };
    }

    /// <summary>Applies a filter chain; a chain whose innermost target is null starts from <paramref name="blockValue"/>
    /// (the rendered body of a filter or set block).</summary>
    public object? ApplyFilter(Expression.FilterCall filter, Scope scope, object? blockValue)
    {
        try
        {
            var input = filter.Target switch
            {
                null => blockValue,
                Expression.FilterCall inner => ApplyFilter(inner, scope, blockValue),
                _ => Evaluate(filter.Target, scope),
            };
            var result = JinjaFilters.Apply(_renderer, filter.Name, input, EvaluateArguments(filter.Arguments, scope), filter.Line);
            return Charge(result, filter.Line);
        }
        catch (PyError error)
        {
            throw new TemplateException(error.Message, filter.Line);
        }
    }

    /// <summary>Evaluates a call block's call, passing <paramref name="caller"/> as the <c>caller</c> keyword.</summary>
    public object? CallWithCaller(Expression.Call call, MacroValue caller, Scope scope)
    {
        var callee = Evaluate(call.Callee, scope);
        var arguments = EvaluateArguments(call.Arguments, scope);
        var withCaller = new Arguments(arguments.Positional, [.. arguments.Keywords, new KeyValuePair<string, object?>("caller", caller)]);
        return Invoke(callee, withCaller, call.Line);
    }

    private object? Invoke(object? callee, Arguments arguments, int line) => callee switch
    {
        TemplateCallable callable => callable.Call(_renderer, arguments, line),
        Undefined undefined => throw undefined.Fail(line),
        _ => throw new PyError($"'{PyTypes.Name(callee)}' object is not callable"),
    };

    private Arguments EvaluateArguments(CallArguments arguments, Scope scope)
    {
        if (arguments.Positional.IsEmpty && arguments.Keywords.IsEmpty && arguments.Star is null && arguments.DoubleStar is null)
        {
            return Arguments.None;
        }

        var positional = arguments.Positional.Select(a => Evaluate(a, scope)).ToList();
        if (arguments.Star is not null)
        {
            positional.AddRange(PyIteration.Items(Evaluate(arguments.Star, scope)));
        }

        var keywords = arguments.Keywords.Select(k => new KeyValuePair<string, object?>(k.Name, Evaluate(k.Value, scope))).ToList();
        if (arguments.DoubleStar is not null)
        {
            var extra = Evaluate(arguments.DoubleStar, scope) as PyDict ?? throw new PyError("argument after ** must be a mapping");
            foreach (var (key, value) in extra.Pairs)
            {
                keywords.Add(new KeyValuePair<string, object?>(key as string ?? throw new PyError("keywords must be strings"), value));
            }
        }

        return new Arguments(positional, keywords);
    }

    /// <summary>Charges a built string or list to the budget by its size and returns it.</summary>
    private object? Charge(object? value, int line)
    {
        long size = value switch
        {
            string s => s.Length,
            PyList list => list.Count,
            _ => 0,
        };
        if (size >= 8)
        {
            _renderer.Spend(size / 8, line);
        }

        return value;
    }
}
