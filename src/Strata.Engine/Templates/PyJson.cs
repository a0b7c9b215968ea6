// Python's json.dumps for template values, as transformers' tojson filter calls it (ensure_ascii=False by default).
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>
/// <c>json.dumps(value, ensure_ascii, indent, separators, sort_keys)</c>: separators default to <c>', '</c> and
/// <c>': '</c>, or <c>','</c> and <c>': '</c> with an indent; floats print as Python's repr; NaN and infinities as
/// <c>NaN</c> and <c>Infinity</c>; non-JSON values (undefined, generators, dict views) raise Python's TypeError.
/// </summary>
internal static class PyJson
{
    private const int MaxDepth = 200;

    /// <summary>The options of one dumps call.</summary>
    /// <param name="EnsureAscii">escape every non-ASCII character as \uXXXX</param>
    /// <param name="Indent">the indent string per level, or null for one line</param>
    /// <param name="ItemSeparator">between items</param>
    /// <param name="KeySeparator">between a key and its value</param>
    /// <param name="SortKeys">write dict keys in sorted order</param>
    internal readonly record struct Options(bool EnsureAscii, string? Indent, string ItemSeparator, string KeySeparator, bool SortKeys);

    /// <summary>The JSON text of <paramref name="value"/>.</summary>
    /// <exception cref="PyError">a value JSON cannot hold, a bad key, or nesting too deep</exception>
    public static string Dumps(object? value, Options options)
    {
        var text = new StringBuilder();
        Write(text, value, options, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, Options options, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new PyError("Circular reference detected or value nested too deeply for JSON");
        }

        switch (value)
        {
            case null: text.Append("null"); break;
            case bool b: text.Append(b ? "true" : "false"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: text.Append(Float(d)); break;
            case string s: WriteString(text, s, options.EnsureAscii); break;
            case PyList { Kind: SequenceKind.List or SequenceKind.Tuple } list: WriteList(text, list, options, depth); break;
            case PyDict dict: WriteDict(text, dict, options, depth); break;
            default: throw new PyError($"Object of type {PyTypes.Name(value)} is not JSON serializable");
        }

        PyOperators.CheckSize(text.Length);
    }

    private static string Float(double d) => double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyFloat.Repr(d);

    private static void WriteList(StringBuilder text, PyList list, Options options, int depth)
    {
        if (list.Count == 0)
        {
            text.Append("[]");
            return;
        }

        text.Append('[');
        string separator = Separator(options, depth + 1, out string open, out string close);
        text.Append(open);
        for (int i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            Write(text, list.Items[i], options, depth + 1);
        }

        text.Append(close).Append(']');
    }

    private static void WriteDict(StringBuilder text, PyDict dict, Options options, int depth)
    {
        if (dict.Count == 0)
        {
            text.Append("{}");
            return;
        }

        var pairs = dict.Pairs.ToList();
        if (options.SortKeys)
        {
            pairs.Sort((a, b) => PyCompare.Order(a.Key, b.Key));
        }

        text.Append('{');
        string separator = Separator(options, depth + 1, out string open, out string close);
        text.Append(open);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            WriteString(text, Key(pairs[i].Key), options.EnsureAscii);
            text.Append(options.KeySeparator);
            Write(text, pairs[i].Value, options, depth + 1);
        }

        text.Append(close).Append('}');
    }

    private static string Separator(Options options, int level, out string open, out string close)
    {
        if (options.Indent is null)
        {
            open = close = "";
            return options.ItemSeparator;
        }

        open = "\n" + string.Concat(Enumerable.Repeat(options.Indent, level));
        close = "\n" + string.Concat(Enumerable.Repeat(options.Indent, level - 1));
        return options.ItemSeparator + open;
    }

    private static string Key(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        _ => throw new PyError($"keys must be str, int, float, bool or None, not {PyTypes.Name(key)}"),
    };

    private static void WriteString(StringBuilder text, string s, bool ensureAscii)
    {
        text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7e))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
