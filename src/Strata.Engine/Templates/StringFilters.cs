// Filters on text: upper, lower, title, capitalize, trim, replace, indent, center, truncate, wordcount, format, escape.
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Engine.Templates;

/// <summary>The string filters; each first turns its value into text with Python's <c>str()</c>, as jinja2's soft_str does.</summary>
internal static partial class StringFilters
{
    /// <summary>Adds the string filters to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, JinjaFilters.Filter> table)
    {
        table["upper"] = (_, v, a, l) => NoArguments("upper", a, l, PyRepr.Str(v).ToUpperInvariant());
        table["lower"] = (_, v, a, l) => NoArguments("lower", a, l, PyRepr.Str(v).ToLowerInvariant());
        table["capitalize"] = (_, v, a, l) => NoArguments("capitalize", a, l, PythonText.Capitalize(PyRepr.Str(v)));
        table["title"] = (_, v, a, l) => NoArguments("title", a, l, Title(PyRepr.Str(v)));
        table["string"] = (_, v, a, l) => NoArguments("string", a, l, PyRepr.Str(v));
        table["safe"] = (_, v, a, l) => NoArguments("safe", a, l, Markup.IsMarkup(v) ? v : Markup.Create(PyRepr.Str(v)));
        table["e"] = table["escape"] = (_, v, a, l) => NoArguments("escape", a, l, Markup.Escape(v));
        table["forceescape"] = (_, v, a, l) => NoArguments("forceescape", a, l, Markup.Create(Markup.EscapeText(PyRepr.Str(v))));
        table["striptags"] = (_, v, a, l) => NoArguments("striptags", a, l, StripTags(PyRepr.Str(v)));
        table["wordcount"] = (_, v, a, l) => NoArguments("wordcount", a, l, (long)Word().Count(PyRepr.Str(v)));
        table["trim"] = Trim;
        table["replace"] = Replace;
        table["center"] = Center;
        table["truncate"] = Truncate;
        table["indent"] = Indent;
        table["format"] = Format;
    }

    private static object? NoArguments(string name, Arguments arguments, int line, object? result)
    {
        arguments.BindNone(name, line);
        return result;
    }

    /// <summary>jinja2's title filter: each word (after -, space, or an opening bracket) upper-cased at its first letter.</summary>
    private static string Title(string s)
    {
        var text = new StringBuilder(s.Length);
        foreach (string item in WordBoundary().Split(s))
        {
            if (item.Length > 0)
            {
                text.Append(char.ToUpperInvariant(item[0])).Append(item[1..].ToLowerInvariant());
            }
        }

        return text.ToString();
    }

    /// <summary>markupsafe's striptags: comments and tags removed, entities decoded, whitespace runs made one space.</summary>
    private static string StripTags(string s)
    {
        string text = Tag().Replace(Comment().Replace(s, ""), "");
        text = string.Join(' ', PythonText.Split(text, null, -1));
        return System.Net.WebUtility.HtmlDecode(text);
    }

    private static string Trim(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var chars = arguments.Bind("trim", line, ["chars"], [null])[0];
        return PythonText.Strip(PyRepr.Str(value), chars is null ? null : chars as string ?? throw new PyError("strip arg must be None or str"));
    }

    private static string Replace(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("replace", line, ["old", "new", "count"], [Arguments.Required, Arguments.Required, null]);
        long count = bound[2] is null ? -1 : PyCompare.ToLong(bound[2]);
        string result = StringMethods.Replace(PyRepr.Str(value), PyRepr.Str(bound[0]), PyRepr.Str(bound[1]), count);
        PyOperators.CheckSize(result.Length);
        return result;
    }

    private static string Center(Renderer renderer, object? value, Arguments arguments, int line)
    {
        long width = PyCompare.ToLong(arguments.Bind("center", line, ["width"], [80L])[0]);
        PyOperators.CheckSize(width);
        return PythonText.Center(PyRepr.Str(value), width, " ");
    }

    private static object? Truncate(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("truncate", line, ["length", "killwords", "end", "leeway"], [255L, false, "...", null]);
        long length = PyCompare.ToLong(bound[0]);
        string end = PyRepr.Str(bound[2]);
        long leeway = bound[3] is null ? 5 : PyCompare.ToLong(bound[3]);
        int endLength = CodePoints.Length(end);
        if (length < endLength || leeway < 0)
        {
            throw new PyError(length < endLength ? $"expected length >= {endLength}, got {length}" : $"expected leeway >= 0, got {leeway}");
        }

        int size = PyIteration.Length(value);
        if (size <= length + leeway)
        {
            return value;
        }

        if (value is not string s)
        {
            return PyOperators.IsTrue(bound[1])
                ? PyOperators.Arithmetic(Expression.ArithmeticOperator.Add, PyAccess.Slice(value, null, length - endLength, null), end)
                : throw new PyError($"'{PyTypes.Name(value)}' object has no attribute 'rsplit'");
        }

        string head = CodePoints.Slice(s, 0, Math.Min(length - endLength, size), 1);
        return PyOperators.IsTrue(bound[1]) ? head + end : PythonText.RSplit(head, " ", 1)[0] + end;
    }

    private static string Indent(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("indent", line, ["width", "first", "blank"], [4L, false, false]);
        PyOperators.FailIfUndefined(value);
        string s = value as string ?? throw new PyError($"unsupported operand type(s) for +=: '{PyTypes.Name(value)}' and 'str'");
        long width = bound[0] is string ? 0 : PyCompare.ToLong(bound[0]);
        PyOperators.CheckSize(width);
        string indention = bound[0] is string text ? text : PythonText.Repeat(" ", width);
        var lines = PythonText.SplitLines(s + "\n", keepEnds: false);
        string result;
        if (PyOperators.IsTrue(bound[2]))
        {
            result = string.Join("\n" + indention, lines);
        }
        else
        {
            result = lines[0];
            if (lines.Count > 1)
            {
                result += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indention + l : l));
            }
        }

        result = PyOperators.IsTrue(bound[1]) ? indention + result : result;
        PyOperators.CheckSize(result.Length);
        return result;
    }

    private static string Format(Renderer renderer, object? value, Arguments arguments, int line)
    {
        if (arguments.Positional.Count > 0 && arguments.Keywords.Count > 0)
        {
            throw new PyError("can't handle positional and keyword arguments at the same time");
        }

        object? values = arguments.Keywords.Count > 0
            ? arguments.Keywords.Aggregate(new PyDict.Builder(), (b, k) => b.Set(k.Key, k.Value)).Build()
            : new PyList(arguments.Positional, SequenceKind.Tuple);
        return PercentFormat.Format(PyRepr.Str(value), values);
    }

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBoundary();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<.*?>", RegexOptions.Singleline)]
    private static partial Regex Tag();
}
