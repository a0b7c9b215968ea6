// The global functions a chat template can call: range, namespace, dict, raise_exception and strftime_now.
namespace Strata.Engine.Templates;

/// <summary>
/// Jinja's globals as transformers sets them up: <c>range</c> (capped at 100000 items, as jinja2's sandbox caps it),
/// <c>namespace</c>, <c>dict</c>, plus transformers' <c>raise_exception(message)</c> and <c>strftime_now(format)</c>.
/// </summary>
internal static class Globals
{
    /// <summary>jinja2's sandbox refuses larger ranges.</summary>
    public const long MaxRange = 100_000;

    /// <summary>A scope holding the globals, to sit above the render's variables.</summary>
    public static Scope CreateScope()
    {
        var scope = new Scope(null);
        scope.Set("range", new BuiltinFunction("range", (_, arguments, _) => Range(arguments)));
        scope.Set("namespace", new BuiltinFunction("namespace", (_, arguments, _) => CreateNamespace(arguments)));
        scope.Set("dict", new BuiltinFunction("dict", (_, arguments, _) => CreateDict(arguments)));
        scope.Set("raise_exception", new BuiltinFunction("raise_exception", RaiseException));
        scope.Set("strftime_now", new BuiltinFunction("strftime_now", StrftimeNow));
        return scope;
    }

    private static PyList Range(Arguments arguments)
    {
        PyMethods.NoKeywords("range", arguments);
        var values = arguments.Positional.Select(v => v is long or bool ? PyCompare.ToLong(v) : throw new PyError($"'{PyTypes.Name(v)}' object cannot be interpreted as an integer")).ToArray();
        var (start, stop, step) = values.Length switch
        {
            1 => (0L, values[0], 1L),
            2 => (values[0], values[1], 1L),
            3 => (values[0], values[1], values[2]),
            _ => throw new PyError($"range expected at most 3 arguments, got {values.Length}"),
        };
        if (step == 0)
        {
            throw new PyError("range() arg 3 must not be zero");
        }

        Int128 span = step > 0 ? (Int128)stop - start : (Int128)start - stop;
        Int128 count128 = span <= 0 ? 0 : ((span - 1) / Int128.Abs(step)) + 1;
        long count = count128 > MaxRange ? MaxRange + 1 : (long)count128;
        if (count > MaxRange)
        {
            throw new PyError($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        }

        var items = new object?[count];
        for (long i = 0; i < count; i++)
        {
            items[i] = start + (i * step);
        }

        return new PyList(items, SequenceKind.Range) { RangeBounds = (start, stop, step) };
    }

    private static Namespace CreateNamespace(Arguments arguments)
    {
        var ns = new Namespace();
        if (arguments.Positional.Count > 1)
        {
            throw new PyError($"namespace expected at most 1 argument, got {arguments.Positional.Count}");
        }

        if (arguments.Positional.Count == 1)
        {
            foreach (var (key, value) in Pairs(arguments.Positional[0], "namespace"))
            {
                ns.Set(key as string ?? throw new PyError("keywords must be strings"), value);
            }
        }

        foreach (var (key, value) in arguments.Keywords)
        {
            ns.Set(key, value);
        }

        return ns;
    }

    private static PyDict CreateDict(Arguments arguments)
    {
        if (arguments.Positional.Count > 1)
        {
            throw new PyError($"dict expected at most 1 argument, got {arguments.Positional.Count}");
        }

        var builder = new PyDict.Builder();
        if (arguments.Positional.Count == 1)
        {
            foreach (var (key, value) in Pairs(arguments.Positional[0], "dict"))
            {
                builder.Set(key, value);
            }
        }

        foreach (var (key, value) in arguments.Keywords)
        {
            builder.Set(key, value);
        }

        return builder.Build();
    }

    /// <summary>The pairs of a dict, or of an iterable of two-item sequences.</summary>
    private static IEnumerable<KeyValuePair<object?, object?>> Pairs(object? source, string callee)
    {
        if (source is PyDict dict)
        {
            return dict.Pairs;
        }

        return PyIteration.Items(source).Select((item, i) =>
        {
            var pair = PyIteration.ToList(item is string ? throw new PyError($"{callee} update sequence element #{i} has length 1; 2 is required") : item);
            return pair.Count == 2 ? new KeyValuePair<object?, object?>(pair[0], pair[1]) : throw new PyError($"{callee} update sequence element #{i} has length {pair.Count}; 2 is required");
        });
    }

    private static object? RaiseException(Renderer renderer, Arguments arguments, int line)
    {
        var message = arguments.Bind("raise_exception", line, ["message"], [Arguments.Required])[0];
        throw new TemplateRaisedException(PyRepr.Str(message), line);
    }

    private static string StrftimeNow(Renderer renderer, Arguments arguments, int line)
    {
        var format = arguments.Bind("strftime_now", line, ["format"], [Arguments.Required])[0] as string
            ?? throw new PyError("strftime() argument 1 must be str");
        var now = renderer.Now ?? throw new TemplateException("strftime_now needs the render's time: set TemplateContext.Now (or ChatTemplateInput.Now)", line);
        return StrfTime.Format(now, format);
    }
}
