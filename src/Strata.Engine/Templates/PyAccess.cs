// Attribute and item access as jinja2's immutable sandbox does it: x.name tries the attribute then the item, x[k] the reverse.
namespace Strata.Engine.Templates;

/// <summary>
/// <c>x.name</c> and <c>x[key]</c> with the rules of jinja2's <c>ImmutableSandboxedEnvironment</c>: a dict's method
/// names win over its keys for <c>.</c> (so <c>d.items</c> is the method), a missing member is undefined, and a
/// method that would mutate (<c>list.append</c>, <c>dict.update</c>) is an undefined value that fails when called.
/// </summary>
internal static class PyAccess
{
    private static readonly HashSet<string> StrMethods = new(StringComparer.Ordinal)
    {
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    };

    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal) { "copy", "count", "index" };

    private static readonly HashSet<string> ListMutators = new(StringComparer.Ordinal)
    {
        "append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal) { "copy", "fromkeys", "get", "items", "keys", "values" };

    private static readonly HashSet<string> DictMutators = new(StringComparer.Ordinal) { "clear", "pop", "popitem", "setdefault", "update" };

    private static readonly HashSet<string> NumberAttributes = new(StringComparer.Ordinal)
    {
        "as_integer_ratio", "bit_count", "bit_length", "conjugate", "denominator", "from_bytes", "fromhex", "hex", "imag",
        "is_integer", "numerator", "real", "to_bytes",
    };

    /// <summary><c>value.name</c></summary>
    /// <exception cref="PyError">the value is undefined, or the attribute exists in Python but is not supported here</exception>
    public static object? GetAttribute(object? value, string name)
    {
        PyOperators.FailIfUndefined(value);
        if (name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal) && name.Length > 4)
        {
            return Unsafe(value, name);
        }

        switch (value)
        {
            case string when StrMethods.Contains(name):
                return new BoundMethod(value, name);
            case PyList { IsIndexable: true } when ListMethods.Contains(name):
                return new BoundMethod(value, name);
            case PyList { Kind: SequenceKind.List } when ListMutators.Contains(name):
                return Unsafe(value, name);
            case PyDict when DictMethods.Contains(name):
                return new BoundMethod(value, name);
            case PyDict when DictMutators.Contains(name):
                return Unsafe(value, name);
            case PyDict dict:
                return dict.TryGet(name, out var item) ? item : Undefined.Member(value, name);
            case Namespace ns:
                return ns.TryGet(name, out var attribute) ? attribute : Undefined.Member(value, name);
            case LoopContext loop:
                return loop.GetAttribute(name);
            case long or double or bool when NumberAttributes.Contains(name):
                throw new PyError($"unsupported attribute '{PyTypes.Name(value)}.{name}'");
            default:
                return Undefined.Member(value, name);
        }
    }

    /// <summary><c>value[key]</c> (not a slice)</summary>
    /// <exception cref="PyError">the value is undefined</exception>
    public static object? GetItem(object? value, object? key)
    {
        PyOperators.FailIfUndefined(value);
        switch (value)
        {
            case PyDict dict when IsHashable(key) && dict.TryGet(key, out var item):
                return item;
            case PyList { IsIndexable: true } list when key is long or bool:
                long index = PyCompare.ToLong(key);
                index = index < 0 ? index + list.Count : index;
                if (index >= 0 && index < list.Count)
                {
                    return list.Items[(int)index];
                }

                break;
            case string s when key is long or bool:
                long position = PyCompare.ToLong(key);
                int length = CodePoints.Length(s);
                position = position < 0 ? position + length : position;
                if (position >= 0 && position < length)
                {
                    return CodePoints.Slice(s, position, position + 1, 1);
                }

                break;
        }

        return key is string name ? GetAttribute(value, name) : Undefined.Member(value, key);
    }

    /// <summary><c>value[start:stop:step]</c>. Jinja compiles slices to plain Python subscription (they bypass the
    /// environment's getitem), so slicing what cannot be sliced raises instead of giving undefined.</summary>
    /// <exception cref="PyError">the value is undefined or not sliceable, a bound is not an int, or the step is zero</exception>
    public static object? Slice(object? value, object? start, object? stop, object? step)
    {
        PyOperators.FailIfUndefined(value);
        if (!IsBound(start) || !IsBound(stop) || !IsBound(step))
        {
            throw new PyError("slice indices must be integers or None or have an __index__ method");
        }

        long? a = Bound(start);
        long? b = Bound(stop);
        long? c = Bound(step);
        if (c == 0)
        {
            throw new PyError("slice step cannot be zero");
        }

        switch (value)
        {
            case string s:
                var range = SliceIndexes.Resolve(a, b, c, CodePoints.Length(s));
                return CodePoints.Slice(s, range.Start, range.Stop, range.Step);
            case PyList { Kind: SequenceKind.Range } numbers:
                var bounds = SliceIndexes.Resolve(a, b, c, numbers.Count);
                var (first, _, step0) = numbers.RangeBounds;
                return new PyList([.. bounds.Indexes().Select(i => numbers.Items[(int)i])], SequenceKind.Range)
                {
                    RangeBounds = (first + (bounds.Start * step0), first + (bounds.Stop * step0), step0 * bounds.Step),
                };
            case PyList { IsIndexable: true } list:
                var indexes = SliceIndexes.Resolve(a, b, c, list.Count);
                var items = indexes.Indexes().Select(i => list.Items[(int)i]).ToList();
                return new PyList(items, list.Kind == SequenceKind.Tuple ? SequenceKind.Tuple : SequenceKind.List);
            case PyDict:
                throw new PyError("unhashable type: 'slice'");
            default:
                throw new PyError($"'{PyTypes.Name(value)}' object is not subscriptable");
        }
    }

    private static bool IsBound(object? value) => value is null or long or bool;

    private static long? Bound(object? value) => value is null ? null : PyCompare.ToLong(value);

    private static bool IsHashable(object? key) => key is not (PyList { Kind: not SequenceKind.Tuple } or PyDict or Namespace);

    private static Undefined Unsafe(object? value, string name) =>
        Undefined.WithHint($"access to attribute '{name}' of '{PyTypes.Name(value)}' object is unsafe.");
}
