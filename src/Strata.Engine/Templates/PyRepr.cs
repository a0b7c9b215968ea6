// Python's str() and repr() of template values: how {{ x }} prints numbers, None, booleans, lists and dicts.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>
/// <c>str(x)</c> and <c>repr(x)</c> as CPython writes them: <c>True</c>, <c>None</c>, <c>1.0</c>,
/// <c>['a', "it's"]</c>, <c>{'k': 1}</c>, <c>(1,)</c>. An undefined value prints as nothing.
/// </summary>
internal static class PyRepr
{
    private const int MaxDepth = 100;

    /// <summary><c>str(value)</c></summary>
    /// <exception cref="PyError">the value has no stable text (a generator, a function)</exception>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    /// <summary><c>repr(value)</c></summary>
    /// <exception cref="PyError">the value has no stable text (a generator, a function)</exception>
    public static string Repr(object? value)
    {
        var text = new StringBuilder();
        Append(text, value, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new PyError("value nested too deeply to print");
        }

        switch (value)
        {
            case null: text.Append("None"); break;
            case bool b: text.Append(b ? "True" : "False"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: text.Append(PyFloat.Repr(d)); break;
            case string s when Markup.IsMarkup(s):
                text.Append("Markup(");
                AppendString(text, s);
                text.Append(')');
                break;
            case string s: AppendString(text, s); break;
            case PyList list: AppendSequence(text, list, depth); break;
            case PyDict dict: AppendDict(text, dict.Pairs, depth); break;
            case Namespace ns:
                text.Append("<Namespace ");
                AppendDict(text, ns.Attributes.Select(p => new KeyValuePair<object?, object?>(p.Key, p.Value)), depth);
                text.Append('>');
                break;
            case Undefined: text.Append("Undefined"); break;
            case LoopContext loop: text.Append(CultureInfo.InvariantCulture, $"<LoopContext {loop.Index}/{loop.Length}>"); break;
            default: throw new PyError($"cannot print a {PyTypes.Name(value)} value (Python would print its address)");
        }
    }

    private static void AppendSequence(StringBuilder text, PyList list, int depth)
    {
        switch (list.Kind)
        {
            case SequenceKind.Range:
                var (start, stop, step) = list.RangeBounds;
                text.Append(step == 1 ? FormattableString.Invariant($"range({start}, {stop})") : FormattableString.Invariant($"range({start}, {stop}, {step})"));
                return;
            case SequenceKind.DictKeys or SequenceKind.DictValues or SequenceKind.DictItems:
                text.Append(PyTypes.Name(list)).Append('(');
                AppendItems(text, list.Items, '[', ']', depth);
                text.Append(')');
                return;
            case SequenceKind.Tuple when list.Count == 1:
                text.Append('(');
                Append(text, list.Items[0], depth + 1);
                text.Append(",)");
                return;
            case SequenceKind.Tuple:
                AppendItems(text, list.Items, '(', ')', depth);
                return;
            default:
                AppendItems(text, list.Items, '[', ']', depth);
                return;
        }
    }

    private static void AppendItems(StringBuilder text, IReadOnlyList<object?> items, char open, char close, int depth)
    {
        text.Append(open);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            Append(text, items[i], depth + 1);
        }

        text.Append(close);
    }

    private static void AppendDict(StringBuilder text, IEnumerable<KeyValuePair<object?, object?>> pairs, int depth)
    {
        text.Append('{');
        bool first = true;
        foreach (var (key, value) in pairs)
        {
            if (!first)
            {
                text.Append(", ");
            }

            first = false;
            Append(text, key, depth + 1);
            text.Append(": ");
            Append(text, value, depth + 1);
        }

        text.Append('}');
    }

    /// <summary>A string in quotes as Python's repr writes it: single quotes unless it holds ' and no ".</summary>
    private static void AppendString(StringBuilder text, string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        text.Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote || c == '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                text.Append("\\t");
            }
            else if (c == '\n')
            {
                text.Append("\\n");
            }
            else if (c == '\r')
            {
                text.Append("\\r");
            }
            else if (c < 0x20 || c == 0x7f)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else if (c < 0x7f)
            {
                text.Append(c);
            }
            else
            {
                i = AppendNonAscii(text, s, i);
            }
        }

        text.Append(quote);
    }

    /// <summary>Appends the non-ASCII code point at <paramref name="i"/> (kept if printable, else escaped); returns
    /// the index of its last UTF-16 unit.</summary>
    private static int AppendNonAscii(StringBuilder text, string s, int i)
    {
        bool pair = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
        int codePoint = pair ? char.ConvertToUtf32(s[i], s[i + 1]) : s[i];
        if (IsPrintable(codePoint))
        {
            text.Append(s, i, pair ? 2 : 1);
        }
        else
        {
            text.Append(codePoint <= 0xff ? $"\\x{codePoint:x2}" : codePoint <= 0xffff ? $"\\u{codePoint:x4}" : $"\\U{codePoint:x8}");
        }

        return pair ? i + 1 : i;
    }

    /// <summary>Python's <c>str.isprintable</c> for one non-ASCII code point: not a control, format, surrogate,
    /// private-use or unassigned character, nor a separator.</summary>
    public static bool IsPrintable(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
