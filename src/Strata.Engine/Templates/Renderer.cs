// Executes a parsed template's statements into text: loops, conditionals, assignments, macros and blocks, within a budget.
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>
/// One render: walks the statement tree, writing text and evaluating expressions through its
/// <see cref="ExpressionEvaluator"/>. It holds the render's only mutable state (budget counters), so a parsed
/// template can be rendered by many renderers at once.
/// </summary>
internal sealed class Renderer
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly TemplateLimits _limits;
    private long _steps;
    private long _written;
    private int _callDepth;

    /// <summary>A render with the instant <paramref name="now"/> for strftime_now and the budget <paramref name="limits"/>.</summary>
    public Renderer(DateTimeOffset? now, TemplateLimits limits)
    {
        Now = now;
        _limits = limits;
        Expressions = new ExpressionEvaluator(this);
    }

    /// <summary>The instant strftime_now formats, if the caller gave one.</summary>
    public DateTimeOffset? Now { get; }

    /// <summary>The expression evaluator of this render.</summary>
    public ExpressionEvaluator Expressions { get; }

    /// <summary>Renders <paramref name="body"/> in <paramref name="scope"/>.</summary>
    /// <exception cref="TemplateException">the template failed, raised, or went over its limits</exception>
    public string Render(ImmutableArray<Statement> body, Scope scope)
    {
        var output = new StringBuilder();
        ExecuteBody(body, scope, output);
        return output.ToString();
    }

    /// <summary>Spends <paramref name="units"/> of the step budget.</summary>
    /// <exception cref="TemplateException">the budget is exhausted</exception>
    public void Spend(long units, int line)
    {
        _steps += units;
        if (_steps > _limits.MaxSteps)
        {
            throw new TemplateException($"template went over its budget of {_limits.MaxSteps} steps (statements, loop iterations, calls and built text)", line);
        }
    }

    private void Write(StringBuilder output, string text, int line)
    {
        _written += text.Length;
        if (_written > _limits.MaxOutputChars)
        {
            throw new TemplateException($"template wrote more than {_limits.MaxOutputChars} characters", line);
        }

        output.Append(text);
    }

    private Flow ExecuteBody(ImmutableArray<Statement> body, Scope scope, StringBuilder output)
    {
        foreach (var statement in body)
        {
            var flow = Execute(statement, scope, output);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow Execute(Statement statement, Scope scope, StringBuilder output)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException("template nests too deeply to render", statement.Line);
        }

        Spend(1, statement.Line);
        try
        {
            return ExecuteCore(statement, scope, output);
        }
        catch (PyError error)
        {
            throw new TemplateException(error.Message, statement.Line);
        }
    }

    private Flow ExecuteCore(Statement statement, Scope scope, StringBuilder output)
    {
        switch (statement)
        {
            case Statement.Text text:
                Write(output, text.Value, text.Line);
                return Flow.Normal;
            case Statement.Print print:
                Write(output, Expressions.Print(print.Value, scope), print.Line);
                return Flow.Normal;
            case Statement.If conditional:
                foreach (var branch in conditional.Branches)
                {
                    if (PyOperators.IsTrue(Expressions.Evaluate(branch.Condition, scope)))
                    {
                        return ExecuteBody(branch.Body, scope, output);
                    }
                }

                return ExecuteBody(conditional.Else, scope, output);
            case Statement.For loop:
                return ExecuteFor(loop, scope, output);
            case Statement.Set set:
                Assign(set.Target, Expressions.Evaluate(set.Value, scope), scope);
                return Flow.Normal;
            case Statement.SetBlock block:
                ExecuteSetBlock(block, scope);
                return Flow.Normal;
            case Statement.Macro macro:
                scope.Set(macro.Name, new MacroValue(macro, scope));
                return Flow.Normal;
            case Statement.CallBlock call:
                Write(output, PyRepr.Str(Expressions.CallWithCaller(call.Call, new MacroValue(call.Caller, scope), scope)), call.Line);
                return Flow.Normal;
            case Statement.FilterBlock filter:
                string body = Capture(filter.Body, new Scope(scope));
                Write(output, PyRepr.Str(Expressions.ApplyFilter(filter.Filter, scope, body)), filter.Line);
                return Flow.Normal;
            case Statement.With with:
                return ExecuteWith(with, scope, output);
            case Statement.Generation generation:
                return ExecuteBody(generation.Body, new Scope(scope), output);
            case Statement.Break:
                return Flow.Break;
            case Statement.Continue:
                return Flow.Continue;
            default:
                throw new TemplateException($"unsupported statement {statement.GetType().Name}", statement.Line);
        }
    }

    private void ExecuteSetBlock(Statement.SetBlock block, Scope scope)
    {
        string captured = Capture(block.Body, new Scope(scope));
        Assign(block.Target, block.Filter is null ? captured : Expressions.ApplyFilter(block.Filter, scope, captured), scope);
    }

    /// <summary>A with block: the values are evaluated in the outer scope and bound in a scope of the block's own.</summary>
    private Flow ExecuteWith(Statement.With with, Scope scope, StringBuilder output)
    {
        var inner = new Scope(scope);
        foreach (var (target, value) in with.Assignments)
        {
            Assign(target, Expressions.Evaluate(value, scope), inner);
        }

        return ExecuteBody(with.Body, inner, output);
    }

    private string Capture(ImmutableArray<Statement> body, Scope scope)
    {
        var output = new StringBuilder();
        ExecuteBody(body, scope, output);
        return output.ToString();
    }

    private Flow ExecuteFor(Statement.For loop, Scope scope, StringBuilder output)
    {
        var items = PyIteration.ToList(Expressions.Evaluate(loop.Iterable, scope));
        if (loop.Condition is not null)
        {
            items = items.Where(item =>
            {
                Spend(1, loop.Line);
                var test = new Scope(scope);
                Assign(loop.Target, item, test);
                return PyOperators.IsTrue(Expressions.Evaluate(loop.Condition, test));
            }).ToList();
        }

        if (items.Count == 0)
        {
            return ExecuteBody(loop.Else, new Scope(scope), output);
        }

        var context = new LoopContext(items);
        for (int i = 0; i < items.Count; i++)
        {
            Spend(1, loop.Line);
            var iteration = new Scope(scope);
            context.Index0 = i;
            iteration.Set("loop", context);
            Assign(loop.Target, items[i], iteration);
            if (ExecuteBody(loop.Body, iteration, output) == Flow.Break)
            {
                break;
            }
        }

        return Flow.Normal;
    }

    /// <summary>Binds <paramref name="value"/> to a name, unpacks it into a tuple of targets, or sets a namespace attribute.</summary>
    private static void Assign(Expression target, object? value, Scope scope)
    {
        switch (target)
        {
            case Expression.Variable variable:
                scope.Set(variable.Name, value);
                break;
            case Expression.NamespaceRef reference:
                if (!scope.TryGet(reference.Name, out var holder) || holder is not Namespace ns)
                {
                    throw new TemplateException("cannot assign attribute on non-namespace object", reference.Line);
                }

                ns.Set(reference.Attribute, value);
                break;
            case Expression.TupleDisplay tuple:
                if (value is not (string or PyList or PyDict or PyGenerator or Undefined))
                {
                    throw new TemplateException($"cannot unpack non-iterable {PyTypes.Name(value)} object", tuple.Line);
                }

                var items = PyIteration.ToList(value);
                if (items.Count != tuple.Items.Length)
                {
                    throw new TemplateException(items.Count > tuple.Items.Length
                        ? $"too many values to unpack (expected {tuple.Items.Length})"
                        : $"not enough values to unpack (expected {tuple.Items.Length}, got {items.Count})", tuple.Line);
                }

                for (int i = 0; i < items.Count; i++)
                {
                    Assign(tuple.Items[i], items[i], scope);
                }

                break;
            default:
                throw new TemplateException("cannot assign to this expression", target.Line);
        }
    }

    /// <summary>Calls <paramref name="macro"/> with <paramref name="arguments"/>; returns what its body wrote.</summary>
    /// <exception cref="TemplateException">bad arguments, too deep a recursion, or a failure in the body</exception>
    public string InvokeMacro(MacroValue macro, Arguments arguments, int line)
    {
        if (++_callDepth > _limits.MaxCallDepth)
        {
            _callDepth--;
            throw new TemplateException($"macro calls nested more than {_limits.MaxCallDepth} deep (macro '{macro.Name}')", line);
        }

        try
        {
            Spend(1, line);
            var scope = MacroBinding.Bind(this, macro, arguments, line);
            return Capture(macro.Definition.Body, scope);
        }
        finally
        {
            _callDepth--;
        }
    }
}
