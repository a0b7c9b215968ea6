// Python's printf-style formatting ("%s: %d" % (a, b)), used by the % operator on strings and the format filter.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary><c>format % values</c> with the conversions s r a d i u x X o e E f F g G c and %.</summary>
internal static class PercentFormat
{
    /// <summary>Formats <paramref name="format"/> with <paramref name="values"/>: a tuple gives the arguments, anything
    /// else is the single argument; a value with items (dict, list, undefined) may also serve <c>%(name)s</c> and may go
    /// unused, as in Python. With <paramref name="escape"/> (a Markup format) the %s and %r texts are escaped.</summary>
    /// <exception cref="PyError">too few or too many arguments, or a bad conversion</exception>
    public static string Format(string format, object? values, bool escape = false)
    {
        var arguments = values is PyList { Kind: SequenceKind.Tuple } tuple ? tuple.Items : [values];
        bool mappingLike = values is PyDict or Undefined or PyList { Kind: SequenceKind.List or SequenceKind.Range };
        var text = new StringBuilder();
        int next = 0;
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i++];
            if (c != '%')
            {
                text.Append(c);
                continue;
            }

            if (i >= format.Length)
            {
                throw new PyError("incomplete format");
            }

            bool keyed = format[i] == '(';
            object? value = keyed ? ReadKeyed(format, ref i, values, mappingLike) : null;

            var (flags, width, precision, type) = ReadSpec(format, ref i);
            if (type == '%')
            {
                text.Append('%');
                continue;
            }

            if (!keyed)
            {
                value = next < arguments.Count ? arguments[next++] : throw new PyError("not enough arguments for format string");
            }

            text.Append(Convert(value, flags, width, precision, type, escape));
            PyOperators.CheckSize(text.Length);
        }

        if (!mappingLike && next < arguments.Count)
        {
            throw new PyError("not all arguments converted during string formatting");
        }

        return text.ToString();
    }

    /// <summary>The value of a <c>%(name)</c> key starting at <paramref name="i"/> (which moves past it).</summary>
    private static object? ReadKeyed(string format, ref int i, object? values, bool mappingLike)
    {
        int close = format.IndexOf(')', i);
        if (close < 0 || !mappingLike)
        {
            throw new PyError(!mappingLike ? "format requires a mapping" : "incomplete format key");
        }

        var value = Lookup(values, format[(i + 1)..close]);
        i = close + 1;
        return value;
    }

    private static object? Lookup(object? mapping, string key) => mapping switch
    {
        PyDict dict => dict.TryGet(key, out var found) ? found : throw new PyError($"KeyError: '{key}'"),
        Undefined undefined => throw new PyError(undefined.Message),
        _ => throw new PyError($"{PyTypes.Name(mapping)} indices must be integers or slices, not str"),
    };

    private static (string Flags, int Width, int? Precision, char Type) ReadSpec(string format, ref int i)
    {
        int start = i;
        while (i < format.Length && format[i] is '-' or '+' or ' ' or '#' or '0')
        {
            i++;
        }

        string flags = format[start..i];
        int width = ReadNumber(format, ref i) ?? 0;
        int? precision = null;
        if (i < format.Length && format[i] == '.')
        {
            i++;
            precision = ReadNumber(format, ref i) ?? 0;
        }

        if (i >= format.Length)
        {
            throw new PyError("incomplete format");
        }

        return (flags, width, precision, format[i++]);
    }

    private static int? ReadNumber(string format, ref int i)
    {
        int start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }

        return i > start ? int.TryParse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture, out int n) && n <= PyOperators.MaxSize ? n : throw new PyError("width or precision too big") : null;
    }

    private static string Convert(object? value, string flags, int width, int? precision, char type, bool escape)
    {
        bool alternate = flags.Contains('#', StringComparison.Ordinal);
        string body = type switch
        {
            's' => Truncate(Text(PyRepr.Str(value), escape), precision),
            'r' or 'a' => Truncate(Text(PyRepr.Repr(value), escape), precision),
            'd' or 'i' or 'u' => NumberFormat.Integer(ToInteger(value, type), 'd'),
            'x' or 'X' or 'o' => NumberFormat.Integer(ToInteger(value, type), type, alternate),
            'e' or 'E' or 'f' or 'F' or 'g' or 'G' => NumberFormat.Float(ToReal(value, type), type, precision, alternate),
            'c' => value is string { Length: > 0 } s ? s : FormatSpec.Character(ToInteger(value, type)),
            _ => throw new PyError($"unsupported format character '{type}'"),
        };
        bool numeric = type is not ('s' or 'r' or 'a' or 'c');
        if (numeric && !body.StartsWith('-'))
        {
            body = flags.Contains('+', StringComparison.Ordinal) ? "+" + body : flags.Contains(' ', StringComparison.Ordinal) ? " " + body : body;
        }

        if (flags.Contains('-', StringComparison.Ordinal))
        {
            return FormatSpec.Pad(body, '<', ' ', width);
        }

        return numeric && flags.Contains('0', StringComparison.Ordinal) ? FormatSpec.Pad(body, '=', '0', width) : FormatSpec.Pad(body, '>', ' ', width);
    }

    private static string Text(string text, bool escape) => escape && !Markup.IsMarkup(text) ? Markup.EscapeText(text) : text;

    private static string Truncate(string text, int? precision) => precision is { } p && p < CodePoints.Length(text) ? CodePoints.Slice(text, 0, p, 1) : text;

    private static long ToInteger(object? value, char type) => value switch
    {
        long or bool => PyCompare.ToLong(value),
        double d when type is 'd' or 'i' or 'u' => (long)Math.Truncate(d),
        _ => throw new PyError($"%{type} format: a real number is required, not {PyTypes.Name(value)}"),
    };

    private static double ToReal(object? value, char type) => PyCompare.IsNumber(value)
        ? PyCompare.ToDouble(value)
        : throw new PyError($"must be real number, not {PyTypes.Name(value)}");
}
