// Python's str methods for templates: strip, split, startswith (with tuples), find, replace, format, the is* tests, ...
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>The methods of Python's <c>str</c>, indexing by code point as Python does.</summary>
internal static class StringMethods
{
    /// <summary>Calls <c>s.name(arguments)</c>.</summary>
    /// <exception cref="PyError">bad arguments, or a str method this interpreter does not implement</exception>
    public static object? Invoke(Renderer renderer, string s, string name, Arguments arguments, int line)
    {
        switch (name)
        {
            case "split" or "rsplit":
                var split = arguments.Bind(name, line, ["sep", "maxsplit"], [null, -1L]);
                string? separator = OptionalString(split[0], name);
                if (separator is { Length: 0 })
                {
                    throw new PyError("empty separator");
                }

                long maxSplit = PyCompare.ToLong(split[1]);
                var parts = name == "split" ? PythonText.Split(s, separator, maxSplit) : PythonText.RSplit(s, separator, maxSplit);
                return new PyList([.. parts]);
            case "splitlines":
                var keep = arguments.Bind(name, line, ["keepends"], [false]);
                return new PyList([.. PythonText.SplitLines(s, PyOperators.IsTrue(keep[0]))]);
            case "format":
                return StrFormat.Format(s, arguments);
            case "expandtabs":
                long tabSize = PyCompare.ToLong(arguments.Bind(name, line, ["tabsize"], [8L])[0]);
                PyOperators.CheckSize(tabSize);
                return ExpandTabs(s, tabSize);
        }

        PyMethods.NoKeywords(name, arguments);
        return name switch
        {
            "strip" or "lstrip" or "rstrip" => Strip(s, name, arguments, line),
            "startswith" or "endswith" => Affix(s, name, arguments, line),
            "find" or "rfind" or "index" or "rindex" => Find(s, name, arguments, line),
            "count" => Count(s, arguments, line),
            "replace" => Replace(s, arguments, line),
            "join" => Join(s, arguments.Bind(name, line, ["iterable"], [Arguments.Required])[0]),
            "center" or "ljust" or "rjust" => Justify(s, name, arguments, line),
            "zfill" => ZeroFill(s, PyCompare.ToLong(arguments.Bind(name, line, ["width"], [Arguments.Required])[0])),
            "partition" or "rpartition" => Partition(s, name, arguments, line),
            "removeprefix" => Prefix(s, arguments, line, name) is var p && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s,
            "removesuffix" => Prefix(s, arguments, line, name) is var q && q.Length > 0 && s.EndsWith(q, StringComparison.Ordinal) ? s[..^q.Length] : s,
            _ => NoArguments(s, name, arguments, line),
        };
    }

    private static object? NoArguments(string s, string name, Arguments arguments, int line)
    {
        arguments.BindNone(name, line);
        return name switch
        {
            "upper" => s.ToUpperInvariant(),
            "lower" or "casefold" => s.ToLowerInvariant(),
            "title" => PythonText.Title(s),
            "capitalize" => PythonText.Capitalize(s),
            "swapcase" => string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))),
            "isdigit" or "isdecimal" or "isnumeric" => s.Length > 0 && s.All(c => name == "isnumeric" ? char.IsNumber(c) : char.IsDigit(c)),
            "isalpha" => s.Length > 0 && s.All(char.IsLetter),
            "isalnum" => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || char.IsNumber(c)),
            "isspace" => PythonText.IsAllSpace(s),
            "islower" => PythonText.IsCase(s, lower: true),
            "isupper" => PythonText.IsCase(s, lower: false),
            "istitle" => s.Length > 0 && PythonText.Title(s) == s && s.Any(char.IsLetter),
            "isascii" => s.All(char.IsAscii),
            "isidentifier" => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_'),
            "isprintable" => s.All(c => c >= 0x20 && c != 0x7f && (c < 0x7f || PyRepr.IsPrintable(c))),
            _ => throw new PyError($"unsupported method 'str.{name}'"),
        };
    }

    private static string? OptionalString(object? value, string method) => value switch
    {
        null => null,
        string s => s,
        _ => throw new PyError($"{method}() argument must be str or None, not {PyTypes.Name(value)}"),
    };

    private static string RequireString(object? value, string method) => value as string
        ?? throw new PyError($"{method}() argument must be str, not {PyTypes.Name(value)}");

    private static string Strip(string s, string name, Arguments arguments, int line)
    {
        string? chars = OptionalString(arguments.Bind(name, line, ["chars"], [null])[0], name);
        return name switch
        {
            "strip" => PythonText.Strip(s, chars),
            "lstrip" => PythonText.LStrip(s, chars),
            _ => PythonText.RStrip(s, chars),
        };
    }

    /// <summary>The UTF-16 bounds of the code point range [start, end) given as Python slice bounds.</summary>
    private static (int From, int To) Window(string s, object? start, object? end)
    {
        var range = SliceIndexes.Resolve(start is null ? null : PyCompare.ToLong(start), end is null ? null : PyCompare.ToLong(end), 1, CodePoints.Length(s));
        int from = CodePoints.ToUtf16(s, (int)range.Start);
        return (from, Math.Max(from, CodePoints.ToUtf16(s, (int)Math.Max(range.Start, range.Stop))));
    }

    private static bool Affix(string s, string name, Arguments arguments, int line)
    {
        var bound = arguments.Bind(name, line, ["prefix", "start", "end"], [Arguments.Required, null, null]);
        var (from, to) = Window(s, bound[1], bound[2]);
        string window = s[from..to];
        var candidates = bound[0] is PyList { Kind: SequenceKind.Tuple } tuple ? tuple.Items : [bound[0]];
        foreach (var candidate in candidates)
        {
            string affix = candidate as string
                ?? throw new PyError($"{name} first arg must be str or a tuple of str, not {PyTypes.Name(candidate)}");
            if (name == "startswith" ? window.StartsWith(affix, StringComparison.Ordinal) : window.EndsWith(affix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static long Find(string s, string name, Arguments arguments, int line)
    {
        var bound = arguments.Bind(name, line, ["sub", "start", "end"], [Arguments.Required, null, null]);
        string sub = RequireString(bound[0], name);
        var (from, to) = Window(s, bound[1], bound[2]);
        if (to - from < sub.Length)
        {
            return NotFound(name);
        }

        int at = name is "find" or "index"
            ? s.IndexOf(sub, from, to - from, StringComparison.Ordinal)
            : s.LastIndexOf(sub, to - 1 < 0 ? 0 : to - 1, to - from, StringComparison.Ordinal);
        if (sub.Length == 0)
        {
            at = name is "find" or "index" ? from : to;
        }

        return at < 0 ? NotFound(name) : CodePoints.FromUtf16(s, at);
    }

    private static long NotFound(string name) => name is "index" or "rindex" ? throw new PyError("substring not found") : -1;

    private static long Count(string s, Arguments arguments, int line)
    {
        var bound = arguments.Bind("count", line, ["sub", "start", "end"], [Arguments.Required, null, null]);
        string sub = RequireString(bound[0], "count");
        var (from, to) = Window(s, bound[1], bound[2]);
        if (sub.Length == 0)
        {
            return CodePoints.Length(s[from..to]) + 1;
        }

        long count = 0;
        for (int at = s.IndexOf(sub, from, to - from, StringComparison.Ordinal); at >= 0 && at + sub.Length <= to;
             at = at + sub.Length > to ? -1 : s.IndexOf(sub, at + sub.Length, to - at - sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Replace(string s, Arguments arguments, int line)
    {
        var bound = arguments.Bind("replace", line, ["old", "new", "count"], [Arguments.Required, Arguments.Required, -1L]);
        return Replace(s, RequireString(bound[0], "replace"), RequireString(bound[1], "replace"), PyCompare.ToLong(bound[2]));
    }

    /// <summary>Python's <c>s.replace(old, new, count)</c>; an empty <paramref name="old"/> inserts between characters.</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0 && old.Length > 0)
        {
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var text = new StringBuilder();
        long done = 0;
        if (old.Length == 0)
        {
            var items = CodePoints.Split(s);
            for (int i = 0; i <= items.Count; i++)
            {
                if (count < 0 || done < count)
                {
                    text.Append(replacement);
                    done++;
                }

                if (i < items.Count)
                {
                    text.Append(items[i]);
                }
            }

            return text.ToString();
        }

        int from = 0;
        while (done < count)
        {
            int at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            text.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
            done++;
        }

        return text.Append(s, from, s.Length - from).ToString();
    }

    /// <summary>Python's <c>sep.join(items)</c>: every item must be a string.</summary>
    public static string Join(string separator, object? iterable)
    {
        var text = new StringBuilder();
        int index = 0;
        foreach (var item in PyIteration.Items(iterable))
        {
            if (item is not string s)
            {
                throw new PyError($"sequence item {index}: expected str instance, {PyTypes.Name(item)} found");
            }

            if (index++ > 0)
            {
                text.Append(separator);
            }

            text.Append(s);
            PyOperators.CheckSize(text.Length);
        }

        return text.ToString();
    }

    private static string Justify(string s, string name, Arguments arguments, int line)
    {
        var bound = arguments.Bind(name, line, ["width", "fillchar"], [Arguments.Required, " "]);
        long width = PyCompare.ToLong(bound[0]);
        string fill = bound[1] as string is { } f && CodePoints.Length(f) == 1
            ? f
            : throw new PyError("The fill character must be exactly one character long");
        PyOperators.CheckSize(width);
        long pad = width - CodePoints.Length(s);
        return pad <= 0 ? s : name switch
        {
            "center" => PythonText.Center(s, width, fill),
            "ljust" => s + PythonText.Repeat(fill, pad),
            _ => PythonText.Repeat(fill, pad) + s,
        };
    }

    private static string ZeroFill(string s, long width)
    {
        PyOperators.CheckSize(width);
        long pad = width - CodePoints.Length(s);
        if (pad <= 0)
        {
            return s;
        }

        bool signed = s.Length > 0 && s[0] is '+' or '-';
        return signed ? s[0] + new string('0', (int)pad) + s[1..] : new string('0', (int)pad) + s;
    }

    private static PyList Partition(string s, string name, Arguments arguments, int line)
    {
        string separator = RequireString(arguments.Bind(name, line, ["sep"], [Arguments.Required])[0], name);
        if (separator.Length == 0)
        {
            throw new PyError("empty separator");
        }

        int at = name == "partition" ? s.IndexOf(separator, StringComparison.Ordinal) : s.LastIndexOf(separator, StringComparison.Ordinal);
        if (at < 0)
        {
            return name == "partition" ? PyList.Tuple(s, "", "") : PyList.Tuple("", "", s);
        }

        return PyList.Tuple(s[..at], separator, s[(at + separator.Length)..]);
    }

    private static string Prefix(string s, Arguments arguments, int line, string name) =>
        RequireString(arguments.Bind(name, line, ["prefix"], [Arguments.Required])[0], name);

    private static string ExpandTabs(string s, long tabSize)
    {
        var text = new StringBuilder();
        int column = 0;
        foreach (char c in s)
        {
            if (c == '\t')
            {
                int spaces = tabSize > 0 ? (int)(tabSize - (column % tabSize)) : 0;
                text.Append(' ', spaces);
                column += spaces;
            }
            else
            {
                text.Append(c);
                column = c is '\n' or '\r' ? 0 : column + 1;
            }
        }

        return text.ToString();
    }
}
