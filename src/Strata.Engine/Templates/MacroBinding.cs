// Binds a macro call's arguments to its parameters the way jinja2's Macro.__call__ does, defaults included.
using System.Collections.Immutable;

namespace Strata.Engine.Templates;

/// <summary>
/// Macro argument binding: positional then keyword arguments fill the parameters; extra positional arguments go to
/// <c>varargs</c> and unknown keywords to <c>kwargs</c> only if the body reads them; a missing parameter without a
/// default is undefined; defaults are evaluated at call time in the macro's scope.
/// </summary>
internal static class MacroBinding
{
    /// <summary>The scope a call of <paramref name="macro"/> with <paramref name="arguments"/> runs in.</summary>
    /// <exception cref="TemplateException">too many arguments, an unknown or repeated keyword</exception>
    public static Scope Bind(Renderer renderer, MacroValue macro, Arguments arguments, int line)
    {
        var definition = macro.Definition;
        var scope = new Scope(macro.Closure);
        var bound = BindPositional(definition, arguments.Positional, scope, line);
        var (kwargs, caller) = BindKeywords(definition, arguments.Keywords, scope, bound, line);
        for (int i = 0; i < definition.Parameters.Length; i++)
        {
            if (!bound[i])
            {
                var parameter = definition.Parameters[i];
                scope.Set(parameter.Name, parameter.Default is null
                    ? Undefined.WithHint($"parameter '{parameter.Name}' was not provided")
                    : renderer.Expressions.Evaluate(parameter.Default, scope));
            }
        }

        if (definition.UsesCaller)
        {
            scope.Set("caller", caller);
        }

        if (definition.CatchesVarargs)
        {
            scope.Set("varargs", new PyList([.. arguments.Positional.Skip(definition.Parameters.Length)], SequenceKind.Tuple));
        }

        if (definition.CatchesKwargs)
        {
            scope.Set("kwargs", kwargs);
        }

        return scope;
    }

    private static bool[] BindPositional(Statement.Macro definition, IReadOnlyList<object?> positional, Scope scope, int line)
    {
        var parameters = definition.Parameters;
        if (positional.Count > parameters.Length && !definition.CatchesVarargs)
        {
            throw new TemplateException($"macro '{definition.Name}' takes not more than {parameters.Length} argument(s)", line);
        }

        var bound = new bool[parameters.Length];
        for (int i = 0; i < Math.Min(positional.Count, parameters.Length); i++)
        {
            scope.Set(parameters[i].Name, positional[i]);
            bound[i] = true;
        }

        return bound;
    }

    private static (PyDict Kwargs, object? Caller) BindKeywords(
        Statement.Macro definition, IReadOnlyList<KeyValuePair<string, object?>> keywords, Scope scope, bool[] bound, int line)
    {
        var kwargs = new PyDict.Builder();
        object? caller = Undefined.WithHint("No caller defined");
        foreach (var (name, value) in keywords)
        {
            int index = IndexOf(definition.Parameters, name);
            if (index >= 0)
            {
                if (bound[index])
                {
                    throw new TemplateException($"macro '{definition.Name}' got multiple values for argument '{name}'", line);
                }

                scope.Set(name, value);
                bound[index] = true;
            }
            else if (name == "caller" && definition.UsesCaller)
            {
                caller = value;
            }
            else
            {
                kwargs.Set(name, definition.CatchesKwargs ? value : throw new TemplateException($"macro '{definition.Name}' takes no keyword argument '{name}'", line));
            }
        }

        return (kwargs.Build(), caller);
    }

    private static int IndexOf(ImmutableArray<Statement.Parameter> parameters, string name)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
