// Filters on sequences and dicts: length, first, last, list, join, reverse, sort, unique, min, max, sum, dictsort, items, batch, groupby.
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>The sequence filters, with jinja2's return types: sort gives a list, unique and batch give generators.</summary>
internal static class SequenceFilters
{
    /// <summary>Adds the sequence filters to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, JinjaFilters.Filter> table)
    {
        table["length"] = table["count"] = (_, v, a, l) => Bound("length", a, l, () => (long)PyIteration.Length(v));
        table["list"] = (_, v, a, l) => Bound("list", a, l, () => PyList.Of(PyIteration.ToList(v)));
        table["first"] = (_, v, a, l) => Bound("first", a, l, () => First(v));
        table["last"] = (_, v, a, l) => Bound("last", a, l, () => Last(v));
        table["reverse"] = (_, v, a, l) => Bound("reverse", a, l, () => Reverse(v));
        table["items"] = (_, v, a, l) => Bound("items", a, l, () => Items(v));
        table["join"] = Join;
        table["sort"] = Sort;
        table["unique"] = Unique;
        table["min"] = (r, v, a, l) => MinOrMax(v, a, l, "min");
        table["max"] = (r, v, a, l) => MinOrMax(v, a, l, "max");
        table["sum"] = Sum;
        table["dictsort"] = DictSort;
        table["batch"] = Batch;
        table["groupby"] = GroupBy;
    }

    private static object? Bound(string name, Arguments arguments, int line, Func<object?> body)
    {
        arguments.BindNone(name, line);
        return body();
    }

    private static object? First(object? value)
    {
        foreach (var item in PyIteration.Items(value))
        {
            return item;
        }

        return Undefined.WithHint("No first item, sequence was empty.");
    }

    private static object? Last(object? value)
    {
        if (value is PyGenerator generator)
        {
            throw new PyError($"'{generator.TypeName}' object is not reversible");
        }

        var items = PyIteration.ToList(value);
        object? last = items.Count > 0 ? items[^1] : Undefined.WithHint("No last item, sequence was empty.");
        return last;
    }

    private static object Reverse(object? value)
    {
        if (value is string s)
        {
            return CodePoints.Slice(s, CodePoints.Length(s) - 1, -1, -1);
        }

        if (value is PyGenerator)
        {
            var items = PyIteration.ToList(value);
            items.Reverse();
            return PyList.Of(items);
        }

        if (value is PyList or PyDict)
        {
            var items = PyIteration.ToList(value);
            items.Reverse();
            return new PyGenerator(items, value is PyDict ? "dict_reversekeyiterator" : $"{PyTypes.Name(value)}_reverseiterator");
        }

        if (value is Undefined)
        {
            return new PyGenerator([], "reversed");
        }

        throw new PyError("argument must be iterable");
    }

    private static PyGenerator Items(object? value)
    {
        if (value is Undefined)
        {
            return new PyGenerator([]);
        }

        var dict = value as PyDict ?? throw new PyError("Can only get item pairs from a mapping.");
        return new PyGenerator(dict.Pairs.Select(p => (object?)PyList.Tuple(p.Key, p.Value)));
    }

    private static string Join(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("join", line, ["d", "attribute"], ["", null]);
        var parts = AttributePath.Parts(bound[1]);
        string separator = PyRepr.Str(bound[0]);
        var text = new StringBuilder();
        bool first = true;
        foreach (var item in PyIteration.Items(value))
        {
            if (!first)
            {
                text.Append(separator);
            }

            first = false;
            text.Append(PyRepr.Str(bound[1] is null ? item : AttributePath.Get(item, parts)));
            PyOperators.CheckSize(text.Length);
        }

        return text.ToString();
    }

    /// <summary>The sort key of jinja2's make_multi_attrgetter: one value per comma-separated attribute.</summary>
    private static Func<object?, object?> MultiKey(object? attribute, bool caseSensitive)
    {
        var paths = (attribute is string s ? s.Split(',').Select(p => (object?)p) : [attribute]).Select(AttributePath.Parts).ToList();
        return item => new PyList([.. paths.Select(p => caseSensitive ? AttributePath.Get(item, p) : AttributePath.IgnoreCase(AttributePath.Get(item, p)))]);
    }

    /// <summary>Python's stable sorted(items, key, reverse): equal keys keep their order either way.</summary>
    public static List<object?> Sorted(IEnumerable<object?> items, Func<object?, object?> key, bool reverse)
    {
        var keyed = items.Select(item => (Item: item, Key: key(item))).ToList();
        var comparer = Comparer<object?>.Create((a, b) => PyCompare.Order(a, b));
        var ordered = reverse ? keyed.OrderByDescending(p => p.Key, comparer) : keyed.OrderBy(p => p.Key, comparer);
        try
        {
            return [.. ordered.Select(p => p.Item)];
        }
        catch (InvalidOperationException e) when (e.InnerException is PyError inner)
        {
            throw new PyError(inner.Message, inner);
        }
    }

    private static PyList Sort(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("sort", line, ["reverse", "case_sensitive", "attribute"], [false, false, null]);
        var key = MultiKey(bound[2], PyOperators.IsTrue(bound[1]));
        return PyList.Of(Sorted(PyIteration.Items(value), key, PyOperators.IsTrue(bound[0])));
    }

    private static PyGenerator Unique(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("unique", line, ["case_sensitive", "attribute"], [false, null]);
        var parts = AttributePath.Parts(bound[1]);
        bool caseSensitive = PyOperators.IsTrue(bound[0]);
        return new PyGenerator(UniqueItems(value, parts, caseSensitive));
    }

    private static IEnumerable<object?> UniqueItems(object? value, object?[] parts, bool caseSensitive)
    {
        var seen = new HashSet<object>(PyKeyComparer.Instance);
        foreach (var item in PyIteration.Items(value))
        {
            var key = AttributePath.Get(item, parts);
            key = caseSensitive ? key : AttributePath.IgnoreCase(key);
            PyKeyComparer.EnsureHashable(key);
            if (seen.Add(PyKeyComparer.ToKey(key)))
            {
                yield return item;
            }
        }
    }

    private static object? MinOrMax(object? value, Arguments arguments, int line, string name)
    {
        var bound = arguments.Bind(name, line, ["case_sensitive", "attribute"], [false, null]);
        var parts = AttributePath.Parts(bound[1]);
        bool caseSensitive = PyOperators.IsTrue(bound[0]);
        var items = PyIteration.ToList(value);
        if (items.Count == 0)
        {
            return Undefined.WithHint("No aggregated item, sequence was empty.");
        }

        object? Key(object? item) => caseSensitive ? AttributePath.Get(item, parts) : AttributePath.IgnoreCase(AttributePath.Get(item, parts));
        var best = items[0];
        var bestKey = Key(best);
        foreach (var item in items.Skip(1))
        {
            var key = Key(item);
            int order = PyCompare.Order(key, bestKey);
            if (name == "min" ? order < 0 : order > 0)
            {
                best = item;
                bestKey = key;
            }
        }

        return best;
    }

    private static object? Sum(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("sum", line, ["attribute", "start"], [null, 0L]);
        if (bound[1] is string)
        {
            throw new PyError("sum() can't sum strings [use ''.join(seq) instead]");
        }

        var parts = AttributePath.Parts(bound[0]);
        object? total = bound[1];
        foreach (var item in PyIteration.Items(value))
        {
            total = PyOperators.Arithmetic(Expression.ArithmeticOperator.Add, total, bound[0] is null ? item : AttributePath.Get(item, parts));
        }

        return total;
    }

    private static PyList DictSort(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("dictsort", line, ["case_sensitive", "by", "reverse"], [false, "key", false]);
        PyOperators.FailIfUndefined(value);
        int position = bound[1] switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new PyError("You can only sort by either \"key\" or \"value\""),
        };
        var dict = value as PyDict ?? throw new PyError($"'{PyTypes.Name(value)}' object has no attribute 'items'");
        bool caseSensitive = PyOperators.IsTrue(bound[0]);
        var pairs = dict.Pairs.Select(p => (object?)PyList.Tuple(p.Key, p.Value));
        return PyList.Of(Sorted(pairs, pair =>
        {
            var item = ((PyList)pair!).Items[position];
            return caseSensitive ? item : AttributePath.IgnoreCase(item);
        }, PyOperators.IsTrue(bound[2])));
    }

    private static PyGenerator Batch(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("batch", line, ["linecount", "fill_with"], [Arguments.Required, null]);
        long size = PyCompare.ToLong(bound[0]);
        return new PyGenerator(Batches(value, size, bound[1]));
    }

    private static IEnumerable<object?> Batches(object? value, long size, object? fill)
    {
        var batch = new List<object?>();
        foreach (var item in PyIteration.Items(value))
        {
            if (batch.Count == size)
            {
                yield return PyList.Of(batch);
                batch = [];
            }

            batch.Add(item);
        }

        if (batch.Count > 0)
        {
            while (fill is not null && batch.Count < size)
            {
                batch.Add(fill);
            }

            yield return PyList.Of(batch);
        }
    }

    private static PyList GroupBy(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("groupby", line, ["attribute", "default", "case_sensitive"], [Arguments.Required, null, false]);
        var parts = AttributePath.Parts(bound[0]);
        bool caseSensitive = PyOperators.IsTrue(bound[2]);
        object? Key(object? item) => caseSensitive ? AttributePath.Get(item, parts, bound[1]) : AttributePath.IgnoreCase(AttributePath.Get(item, parts, bound[1]));
        var sorted = Sorted(PyIteration.Items(value), Key, reverse: false);
        var groups = new List<object?>();
        int start = 0;
        for (int i = 1; i <= sorted.Count; i++)
        {
            if (i == sorted.Count || !PyCompare.AreEqual(Key(sorted[i]), Key(sorted[start])))
            {
                var members = sorted.GetRange(start, i - start);
                groups.Add(PyList.Tuple(AttributePath.Get(members[0], parts, bound[1]), PyList.Of(members)));
                start = i;
            }
        }

        return PyList.Of(groups);
    }
}
