// Filters on single values: default, tojson (transformers' json.dumps), int, float, abs, round and attr.
using System.Globalization;

namespace Strata.Engine.Templates;

/// <summary>The value filters. <c>tojson</c> is transformers' override, not jinja2's HTML-safe one.</summary>
internal static class ValueFilters
{
    /// <summary>Adds the value filters to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, JinjaFilters.Filter> table)
    {
        table["default"] = table["d"] = Default;
        table["tojson"] = ToJson;
        table["int"] = Int;
        table["float"] = Float;
        table["abs"] = Abs;
        table["round"] = Round;
        table["attr"] = Attr;
    }

    private static object? Default(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("default", line, ["default_value", "boolean"], ["", false]);
        return value is Undefined || (PyOperators.IsTrue(bound[1]) && !PyOperators.IsTrue(value)) ? bound[0] : value;
    }

    /// <summary>transformers: <c>json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)</c>.</summary>
    private static string ToJson(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("tojson", line, ["ensure_ascii", "indent", "separators", "sort_keys"], [false, null, null, false]);
        string? indent = bound[1] switch
        {
            null => null,
            string s => s,
            long or bool => PythonText.Repeat(" ", Sized(PyCompare.ToLong(bound[1]))),
            _ => throw new PyError($"indent must be an int or a string, not {PyTypes.Name(bound[1])}"),
        };
        var (itemSeparator, keySeparator) = indent is null ? (", ", ": ") : (",", ": ");
        if (bound[2] is not null)
        {
            var separators = PyIteration.ToList(bound[2]);
            if (separators.Count != 2 || separators[0] is not string item || separators[1] is not string key)
            {
                throw new PyError("separators must be a pair of strings");
            }

            (itemSeparator, keySeparator) = (item, key);
        }

        var options = new PyJson.Options(PyOperators.IsTrue(bound[0]), indent, itemSeparator, keySeparator, PyOperators.IsTrue(bound[3]));
        return PyJson.Dumps(value, options);
    }

    private static long Sized(long count)
    {
        PyOperators.CheckSize(count);
        return count;
    }

    private static object? Int(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("int", line, ["default", "base"], [0L, 10L]);
        PyOperators.FailIfUndefined(value);
        switch (value)
        {
            case long or bool:
                return PyCompare.ToLong(value);
            case double d:
                return double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? (long)Math.Truncate(d) : bound[0];
            case string s:
                if (PyNumberParsing.TryParseInt(s, PyCompare.ToLong(bound[1]), out long parsed))
                {
                    return parsed;
                }

                return PyNumberParsing.TryParseFloat(s, out double real) && double.IsFinite(real) && Math.Abs(real) < 9.2e18
                    ? (long)Math.Truncate(real)
                    : bound[0];
            default:
                return bound[0];
        }
    }

    private static object? Float(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("float", line, ["default"], [0.0]);
        PyOperators.FailIfUndefined(value);
        return value switch
        {
            double d => d,
            long or bool => PyCompare.ToDouble(value),
            string s when PyNumberParsing.TryParseFloat(s, out double parsed) => parsed,
            _ => bound[0],
        };
    }

    private static object Abs(Renderer renderer, object? value, Arguments arguments, int line)
    {
        arguments.BindNone("abs", line);
        return value switch
        {
            double d => (object)Math.Abs(d),
            long.MinValue => throw new PyError("integer result does not fit in 64 bits"),
            long or bool => (object)Math.Abs(PyCompare.ToLong(value)),
            _ => throw new PyError($"bad operand type for abs(): '{PyTypes.Name(value)}'"),
        };
    }

    private static object Round(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var bound = arguments.Bind("round", line, ["precision", "method"], [0L, "common"]);
        long precision = Math.Clamp(PyCompare.ToLong(bound[0]), -400, 400);
        string method = bound[1] as string ?? "";
        if (method is not ("common" or "ceil" or "floor"))
        {
            throw new PyError("method must be common, ceil or floor");
        }

        if (!PyCompare.IsNumber(value))
        {
            throw new PyError($"type {PyTypes.Name(value)} doesn't define __round__ method");
        }

        if (method == "common")
        {
            if (value is double d)
            {
                return RoundHalfEven(d, (int)precision);
            }

            return precision >= 0 ? PyCompare.ToLong(value) : (long)RoundHalfEven(PyCompare.ToDouble(value), (int)precision);
        }

        double scale = Math.Pow(10, precision);
        double scaled = PyCompare.ToDouble(value) * scale;
        return (method == "ceil" ? Math.Ceiling(scaled) : Math.Floor(scaled)) / scale;
    }

    /// <summary>Python's round(x, n): the nearest value with n decimals of the exact binary value, ties to even.</summary>
    private static double RoundHalfEven(double value, int digits)
    {
        if (!double.IsFinite(value) || digits > 330)
        {
            return value;
        }

        if (digits < -330)
        {
            return double.IsNegative(value) ? -0.0 : 0.0;
        }

        double sign = double.IsNegative(value) ? -1 : 1;
        if (digits >= 0)
        {
            return sign * double.Parse(ExactDecimal.Fixed(value, digits), CultureInfo.InvariantCulture);
        }

        return sign * (double)ExactDecimal.ScaledRound(value, digits) * Math.Pow(10, -digits);
    }

    private static object? Attr(Renderer renderer, object? value, Arguments arguments, int line)
    {
        var name = arguments.Bind("attr", line, ["name"], [Arguments.Required])[0] as string
            ?? throw new PyError("attribute name must be a string");
        return value is PyDict ? PyAccess.GetAttribute(value, name) is BoundMethod method ? method : Undefined.Member(value, name) : PyAccess.GetAttribute(value, name);
    }
}
