// Python's str.format: {} and {0} and {name} fields with attribute/index lookups, !r/!s conversions and format specs.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary><c>'...'.format(*args, **kwargs)</c> as jinja2's sandboxed formatter runs it.</summary>
internal static class StrFormat
{
    /// <summary>Formats <paramref name="format"/> with <paramref name="arguments"/>.</summary>
    /// <exception cref="PyError">a malformed field, a missing argument, or mixed manual and automatic numbering</exception>
    public static string Format(string format, Arguments arguments)
    {
        var text = new StringBuilder();
        int automatic = 0;
        bool manual = false;
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i];
            if (c is '{' or '}' && i + 1 < format.Length && format[i + 1] == c)
            {
                text.Append(c);
                i += 2;
                continue;
            }

            if (c == '}')
            {
                throw new PyError("Single '}' encountered in format string");
            }

            if (c != '{')
            {
                text.Append(c);
                i++;
                continue;
            }

            int close = format.IndexOf('}', i + 1);
            if (close < 0)
            {
                throw new PyError("Single '{' encountered in format string");
            }

            string field = format[(i + 1)..close];
            if (field.Contains('{', StringComparison.Ordinal))
            {
                throw new PyError("nested replacement fields in format specs are not supported");
            }

            text.Append(Field(field, arguments, ref automatic, ref manual));
            PyOperators.CheckSize(text.Length);
            i = close + 1;
        }

        return text.ToString();
    }

    private static string Field(string field, Arguments arguments, ref int automatic, ref bool manual)
    {
        int colon = field.IndexOf(':', StringComparison.Ordinal);
        string spec = colon < 0 ? "" : field[(colon + 1)..];
        string head = colon < 0 ? field : field[..colon];
        char conversion = '\0';
        int bang = head.IndexOf('!', StringComparison.Ordinal);
        if (bang >= 0)
        {
            conversion = bang + 2 == head.Length ? head[bang + 1] : throw new PyError("expected ':' after conversion specifier");
            head = head[..bang];
        }

        int end = head.IndexOfAny(['.', '[']);
        string first = end < 0 ? head : head[..end];
        object? value;
        if (first.Length == 0)
        {
            if (manual)
            {
                throw new PyError("cannot switch from manual field specification to automatic field numbering");
            }

            value = Positional(arguments, automatic++);
        }
        else if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            if (automatic > 0)
            {
                throw new PyError("cannot switch from automatic field numbering to manual field specification");
            }

            manual = true;
            value = Positional(arguments, index);
        }
        else
        {
            value = arguments.Keywords.FirstOrDefault(k => k.Key == first) is { Key: not null } pair ? pair.Value : throw new PyError($"KeyError: '{first}'");
        }

        value = Lookups(value, end < 0 ? "" : head[end..]);
        value = conversion switch
        {
            '\0' => value,
            's' => PyRepr.Str(value),
            'r' or 'a' => PyRepr.Repr(value),
            _ => throw new PyError($"Unknown conversion specifier {conversion}"),
        };
        return FormatSpec.Apply(value, spec);
    }

    private static object? Positional(Arguments arguments, int index) => index < arguments.Positional.Count
        ? arguments.Positional[index]
        : throw new PyError($"Replacement index {index} out of range for positional args tuple");

    private static object? Lookups(object? value, string rest)
    {
        int i = 0;
        while (i < rest.Length)
        {
            if (rest[i] == '.')
            {
                int next = rest.IndexOfAny(['.', '['], i + 1);
                string name = next < 0 ? rest[(i + 1)..] : rest[(i + 1)..next];
                value = PyAccess.GetAttribute(value, name);
                i = next < 0 ? rest.Length : next;
            }
            else
            {
                int close = rest.IndexOf(']', i);
                string key = close < 0 ? throw new PyError("Missing ']' in format string") : rest[(i + 1)..close];
                value = PyAccess.GetItem(value, long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : key);
                i = close + 1;
            }
        }

        return value;
    }
}
