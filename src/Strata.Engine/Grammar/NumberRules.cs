// Integers and numbers with minimum / maximum bounds, as GBNF expressions that only produce values inside them.
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// Bounds (minimum, maximum, exclusiveMinimum, exclusiveMaximum; draft 4's boolean exclusive forms too) become the
/// integer range [lo, hi] they contain. An integer is any of those. A bounded number is one of those integers, or an
/// integer part I with a fraction when every I.f stays inside: 0 ≤ I ≤ hi - 1, or -I with 1 ≤ I ≤ -lo - 1; bounded
/// numbers have no exponent. Bounds beyond ±10^16 are open sides (unbounded magnitudes stop at 16 digits anyway).
/// A range with no integer in it is refused: the grammar would be unsatisfiable, or need non-integer digits we do not write.
/// </summary>
internal static class NumberRules
{
    private const decimal Open = 10_000_000_000_000_000m; // 10^16

    /// <summary>True when the schema bounds its numbers.</summary>
    public static bool HasBounds(JsonElement schema) =>
        schema.TryGetProperty("minimum", out _) || schema.TryGetProperty("maximum", out _)
        || schema.TryGetProperty("exclusiveMinimum", out _) || schema.TryGetProperty("exclusiveMaximum", out _);

    /// <summary>The expression for integers (or, with <paramref name="fractions"/>, numbers) within the bounds of <paramref name="schema"/>.</summary>
    public static string Bounded(JsonElement schema, string pointer, bool fractions)
    {
        var (low, lowAt) = Lower(schema, pointer);
        var (high, highAt) = Upper(schema, pointer);
        if (low is { } l && high is { } h && l > h)
        {
            throw new SchemaException(lowAt, $"unsatisfiable: no integer lies between the lower bound ({l}) and the upper bound ({h}) at {highAt}");
        }

        string integers = IntegerRange.Expression(low, high);
        if (!fractions)
        {
            return integers;
        }

        var alternatives = new List<string> { integers };
        long fromPositive = Math.Max(low ?? 0, 0);
        if (high is null || high - 1 >= fromPositive)
        {
            alternatives.Add(IntegerRange.Magnitudes(fromPositive, high - 1) + " " + Fraction);
        }

        long fromNegative = Math.Max(1, high is { } top ? -top : 1);
        long? toNegative = low is { } bottom ? -bottom - 1 : null;
        if (toNegative is null || fromNegative <= toNegative)
        {
            alternatives.Add("\"-\" " + IntegerRange.Magnitudes(fromNegative, toNegative) + " " + Fraction);
        }

        return "( " + string.Join(" | ", alternatives) + " )";
    }

    private const string Fraction = "\".\" [0-9]{1,15}";

    // The smallest integer allowed, or null when the lower side is open.
    private static (long? Value, string At) Lower(JsonElement schema, string pointer)
    {
        long? low = null;
        string at = pointer;
        bool draft4Exclusive = schema.TryGetProperty("exclusiveMinimum", out var ex) && ex.ValueKind == JsonValueKind.True;
        if (ex.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "exclusiveMinimum"), $"expected a number; found {SchemaKeywords.Describe(ex)}");
        }

        if (schema.TryGetProperty("minimum", out var min))
        {
            at = SchemaPointer.Child(pointer, "minimum");
            decimal m = Number(min, at);
            low = ToInteger(draft4Exclusive ? decimal.Floor(m) + 1 : decimal.Ceiling(m), at, lower: true);
        }

        if (ex.ValueKind == JsonValueKind.Number)
        {
            string exAt = SchemaPointer.Child(pointer, "exclusiveMinimum");
            long? e = ToInteger(decimal.Floor(Number(ex, exAt)) + 1, exAt, lower: true);
            if (e is not null && (low is null || e > low))
            {
                (low, at) = (e, exAt);
            }
        }

        return (low, at);
    }

    private static (long? Value, string At) Upper(JsonElement schema, string pointer)
    {
        long? high = null;
        string at = pointer;
        bool draft4Exclusive = schema.TryGetProperty("exclusiveMaximum", out var ex) && ex.ValueKind == JsonValueKind.True;
        if (ex.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "exclusiveMaximum"), $"expected a number; found {SchemaKeywords.Describe(ex)}");
        }

        if (schema.TryGetProperty("maximum", out var max))
        {
            at = SchemaPointer.Child(pointer, "maximum");
            decimal m = Number(max, at);
            high = ToInteger(draft4Exclusive ? decimal.Ceiling(m) - 1 : decimal.Floor(m), at, lower: false);
        }

        if (ex.ValueKind == JsonValueKind.Number)
        {
            string exAt = SchemaPointer.Child(pointer, "exclusiveMaximum");
            long? e = ToInteger(decimal.Ceiling(Number(ex, exAt)) - 1, exAt, lower: false);
            if (e is not null && (high is null || e < high))
            {
                (high, at) = (e, exAt);
            }
        }

        return (high, at);
    }

    private static decimal Number(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal d))
        {
            throw new SchemaException(at, $"expected a number; found {SchemaKeywords.Describe(value)}");
        }

        return d;
    }

    // Beyond ±10^16 the side is open: the open-ended grammar stops at 16 digits, inside such a bound.
    private static long? ToInteger(decimal value, string at, bool lower)
    {
        if (lower ? value <= -Open : value >= Open)
        {
            return null;
        }

        if (lower ? value >= Open : value <= -Open)
        {
            throw new SchemaException(at, $"bound {value} is too large in magnitude to express (limit ±10^16)");
        }

        return (long)value;
    }
}
