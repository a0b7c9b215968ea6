// Calls the str, list and dict methods templates use (message.content.strip(), tools.items(), ...) with Python semantics.
namespace Strata.Engine.Templates;

/// <summary>
/// Python methods on template values. The read-only methods of str, list, tuple and dict are here; the mutating ones
/// never reach here (the sandbox turns them into an unsafe undefined value).
/// </summary>
internal static class PyMethods
{
    /// <summary>Calls <c>target.name(arguments)</c>.</summary>
    /// <exception cref="PyError">bad arguments, or a method Python has that this interpreter does not implement</exception>
    public static object? Invoke(Renderer renderer, object? target, string name, Arguments arguments, int line) => target switch
    {
        string s => StringMethods.Invoke(renderer, s, name, arguments, line),
        PyList list => InvokeList(list, name, arguments, line),
        PyDict dict => InvokeDict(dict, name, arguments, line),
        _ => throw new PyError($"unsupported method '{PyTypes.Name(target)}.{name}'"),
    };

    /// <summary>Fails when the call passes keyword arguments to a method that takes none.</summary>
    public static void NoKeywords(string name, Arguments arguments)
    {
        if (arguments.Keywords.Count > 0)
        {
            throw new PyError($"{name}() takes no keyword arguments");
        }
    }

    private static object? InvokeList(PyList list, string name, Arguments arguments, int line)
    {
        NoKeywords(name, arguments);
        switch (name)
        {
            case "copy":
                arguments.BindNone(name, line);
                return new PyList([.. list.Items], list.Kind);
            case "count":
                var value = arguments.Bind(name, line, ["value"], [Arguments.Required])[0];
                return (long)list.Items.Count(item => PyCompare.AreEqual(item, value));
            case "index":
                var bound = arguments.Bind(name, line, ["value", "start", "stop"], [Arguments.Required, 0L, (long)int.MaxValue]);
                var range = SliceIndexes.Resolve(PyCompare.ToLong(bound[1]), PyCompare.ToLong(bound[2]), 1, list.Count);
                foreach (long i in range.Indexes())
                {
                    if (PyCompare.AreEqual(list.Items[(int)i], bound[0]))
                    {
                        return i;
                    }
                }

                throw new PyError($"{PyRepr.Repr(bound[0])} is not in {PyTypes.Name(list)}");
            default:
                throw new PyError($"unsupported method '{PyTypes.Name(list)}.{name}'");
        }
    }

    private static object? InvokeDict(PyDict dict, string name, Arguments arguments, int line)
    {
        NoKeywords(name, arguments);
        switch (name)
        {
            case "get":
                var bound = arguments.Bind(name, line, ["key", "default"], [Arguments.Required, null]);
                PyKeyComparer.EnsureHashable(bound[0]);
                return dict.TryGet(bound[0], out var value) ? value : bound[1];
            case "items":
                arguments.BindNone(name, line);
                return new PyList([.. dict.Pairs.Select(p => (object?)PyList.Tuple(p.Key, p.Value))], SequenceKind.DictItems);
            case "keys":
                arguments.BindNone(name, line);
                return new PyList([.. dict.Keys], SequenceKind.DictKeys);
            case "values":
                arguments.BindNone(name, line);
                return new PyList([.. dict.Values], SequenceKind.DictValues);
            case "copy":
                arguments.BindNone(name, line);
                return dict;
            case "fromkeys":
                var keys = arguments.Bind(name, line, ["iterable", "value"], [Arguments.Required, null]);
                var builder = new PyDict.Builder();
                foreach (var key in PyIteration.Items(keys[0]))
                {
                    builder.Set(key, keys[1]);
                }

                return builder.Build();
            default:
                throw new PyError($"unsupported method 'dict.{name}'");
        }
    }
}
