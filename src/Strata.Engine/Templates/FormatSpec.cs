// Python's format-spec mini-language ([[fill]align][sign][#][0][width][,][.precision][type]) for str.format fields.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>Applies a format spec to a value as Python's <c>format(value, spec)</c> does for str, int and float.</summary>
internal static class FormatSpec
{
    /// <summary><c>format(value, spec)</c></summary>
    /// <exception cref="PyError">the spec is malformed or does not fit the value's type</exception>
    public static string Apply(object? value, string spec)
    {
        if (spec.Length == 0)
        {
            return PyRepr.Str(value);
        }

        var (fill, align, sign, alternate, zero, width, grouping, precision, type) = Parse(spec);
        string body;
        char defaultAlign;
        switch (value)
        {
            case string s when type is '\0' or 's':
                body = precision is { } p ? CodePoints.Slice(s, 0, Math.Min(p, CodePoints.Length(s)), 1) : s;
                defaultAlign = '<';
                break;
            case long or bool when type is '\0' or 'd' or 'x' or 'X' or 'o' or 'b' or 'n' or 'c':
                long n = PyCompare.ToLong(value);
                body = type == 'c' ? Character(n) : NumberFormat.Integer(n, type == '\0' || type == 'n' ? 'd' : type, alternate);
                body = Group(body, grouping);
                defaultAlign = '>';
                break;
            case long or bool or double when type is '\0' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or '%':
                double d = PyCompare.ToDouble(value);
                body = type == '\0' && precision is null ? PyFloat.Repr(d) : NumberFormat.Float(d, type == '\0' ? 'g' : type, precision, alternate);
                body = Group(body, grouping);
                defaultAlign = '>';
                break;
            default:
                throw new PyError($"Unknown format code '{type}' for object of type '{PyTypes.Name(value)}'");
        }

        if (value is not string && sign is '+' or ' ' && !body.StartsWith('-'))
        {
            body = sign + body;
        }

        return Pad(body, align ?? (zero && value is not string ? '=' : defaultAlign), zero && fill is null ? '0' : fill ?? ' ', width);
    }

    /// <summary><c>chr(n)</c> for the 'c' conversions.</summary>
    public static string Character(long n) => n is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)
        ? char.ConvertFromUtf32((int)n)
        : throw new PyError("%c arg not in range(0x110000)");

    private static (char? Fill, char? Align, char Sign, bool Alternate, bool Zero, int Width, char Grouping, int? Precision, char Type) Parse(string spec)
    {
        int i = 0;
        char? fill = null;
        char? align = null;
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            fill = spec[0];
            align = spec[1];
            i = 2;
        }
        else if (spec[0] is '<' or '>' or '^' or '=')
        {
            align = spec[0];
            i = 1;
        }

        char sign = i < spec.Length && spec[i] is '+' or '-' or ' ' ? spec[i++] : '-';
        bool alternate = i < spec.Length && spec[i] == '#' && ++i > 0;
        bool zero = i < spec.Length && spec[i] == '0' && ++i > 0;
        int width = ReadNumber(spec, ref i) ?? 0;
        char grouping = i < spec.Length && spec[i] is ',' or '_' ? spec[i++] : '\0';
        int? precision = null;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            precision = ReadNumber(spec, ref i) ?? throw new PyError("Format specifier missing precision");
        }

        char type = i < spec.Length ? spec[i++] : '\0';
        if (i != spec.Length)
        {
            throw new PyError("Invalid format specifier");
        }

        return (fill, align, sign, alternate, zero, width, grouping, precision, type);
    }

    private static int? ReadNumber(string spec, ref int i)
    {
        int start = i;
        while (i < spec.Length && char.IsAsciiDigit(spec[i]))
        {
            i++;
        }

        return i > start ? int.TryParse(spec.AsSpan(start, i - start), CultureInfo.InvariantCulture, out int n) && n <= PyOperators.MaxSize ? n : throw new PyError("width or precision too big") : null;
    }

    private static string Group(string body, char grouping)
    {
        if (grouping == '\0')
        {
            return body;
        }

        int start = body.StartsWith('-') ? 1 : 0;
        int end = start;
        while (end < body.Length && char.IsAsciiDigit(body[end]))
        {
            end++;
        }

        var digits = new StringBuilder();
        for (int i = start; i < end; i++)
        {
            if (i > start && (end - i) % 3 == 0)
            {
                digits.Append(grouping);
            }

            digits.Append(body[i]);
        }

        return body[..start] + digits + body[end..];
    }

    /// <summary>Pads <paramref name="body"/> to <paramref name="width"/> code points with Python's alignment rules.</summary>
    public static string Pad(string body, char align, char fill, int width)
    {
        int length = CodePoints.Length(body);
        if (length >= width)
        {
            return body;
        }

        PyOperators.CheckSize(width);
        int pad = width - length;
        return align switch
        {
            '<' => body + new string(fill, pad),
            '^' => new string(fill, pad / 2) + body + new string(fill, pad - (pad / 2)),
            '=' when body.Length > 0 && body[0] is '-' or '+' or ' ' => body[0] + new string(fill, pad) + body[1..],
            _ => new string(fill, pad) + body,
        };
    }
}
