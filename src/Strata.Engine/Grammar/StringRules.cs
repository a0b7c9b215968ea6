// Strings: plain, length-limited, of a known format, or matching a pattern.
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// The grammar of a string schema. One of format, pattern or a length limit may constrain it; combining them is refused
/// (the compiler does not intersect grammars). Length limits count characters of the printable-ASCII <c>lchar</c> rule
/// (see <see cref="JsonPrimitives"/>), so the count a validator makes equals ours.
/// </summary>
internal static class StringRules
{
    /// <summary>The expression for strings valid under <paramref name="schema"/>.</summary>
    public static string Build(JsonElement schema, string pointer, GbnfRules rules)
    {
        bool hasFormat = schema.TryGetProperty("format", out var format);
        bool hasPattern = schema.TryGetProperty("pattern", out var pattern);
        bool hasLength = schema.TryGetProperty("minLength", out _) || schema.TryGetProperty("maxLength", out _);
        if ((hasFormat ? 1 : 0) + (hasPattern ? 1 : 0) + (hasLength ? 1 : 0) > 1)
        {
            throw new SchemaException(pointer, "combining format, pattern and minLength/maxLength on one string is not supported");
        }

        if (hasFormat)
        {
            return Format(format, SchemaPointer.Child(pointer, "format"), rules);
        }

        if (hasPattern)
        {
            string at = SchemaPointer.Child(pointer, "pattern");
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw new SchemaException(at, $"expected a regular expression string; found {SchemaKeywords.Describe(pattern)}");
            }

            return PatternCompiler.Compile(pattern.GetString()!, at, rules.BuiltIn("char"));
        }

        if (hasLength)
        {
            return Length(schema, pointer, rules);
        }

        return rules.BuiltIn("string");
    }

    private static string Format(JsonElement format, string at, GbnfRules rules)
    {
        string? name = format.ValueKind == JsonValueKind.String ? format.GetString() : null;
        if (name is null || !JsonPrimitives.Formats.Contains(name))
        {
            throw new SchemaException(at,
                $"format {SchemaKeywords.Describe(format)} is not supported; expected one of {string.Join(", ", JsonPrimitives.Formats)}");
        }

        return "\"\\\"\" " + rules.BuiltIn(name) + " \"\\\"\"";
    }

    private static string Length(JsonElement schema, string pointer, GbnfRules rules)
    {
        int min = Count(schema, pointer, "minLength") ?? 0;
        int? max = Count(schema, pointer, "maxLength");
        if (max < min)
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "minLength"), $"unsatisfiable: minLength {min} > maxLength {max}");
        }

        string lchar = rules.BuiltIn("lchar");
        string body = max switch
        {
            0 => string.Empty,
            null when min == 0 => lchar + "*",
            null => $"{lchar}{{{min},}}",
            _ when max == min => $"{lchar}{{{min}}}",
            _ => $"{lchar}{{{min},{max}}}",
        };
        return "\"\\\"\" " + body + (body.Length > 0 ? " " : string.Empty) + "\"\\\"\"";
    }

    /// <summary>
    /// A non-negative integer keyword, or null when absent. A minimum over <see cref="GbnfParser.MaxRepetition"/> is
    /// refused; a maximum over it is lowered to it (generating fewer still satisfies the schema).
    /// </summary>
    public static int? Count(JsonElement schema, string pointer, string keyword)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        string at = SchemaPointer.Child(pointer, keyword);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal d) || d < 0 || d != decimal.Truncate(d))
        {
            throw new SchemaException(at, $"expected a non-negative integer; found {SchemaKeywords.Describe(value)}");
        }

        if (d > GbnfParser.MaxRepetition && keyword.StartsWith("max", StringComparison.Ordinal))
        {
            return GbnfParser.MaxRepetition;
        }

        if (d > GbnfParser.MaxRepetition)
        {
            throw new SchemaException(at, $"{keyword} {d} is over the limit of {GbnfParser.MaxRepetition} a grammar repetition can express");
        }

        return (int)d;
    }
}
