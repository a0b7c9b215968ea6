// Which JSON Schema keywords the compiler reads, ignores as annotations, or refuses, and the types a schema implies.
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// JSON Schema (draft 4 to 2020-12) keywords sorted by how the compiler treats them, and the instance types a schema
/// describes. Unknown keywords are annotations to a validator, so they are ignored; known assertions the compiler cannot
/// express are refused where they apply to a type it would generate, so that nothing it generates fails validation.
/// </summary>
internal static class SchemaKeywords
{
    /// <summary>Bit flags of JSON instance types.</summary>
    [Flags]
    public enum Types
    {
        None = 0,
        Object = 1,
        Array = 2,
        String = 4,
        Integer = 8,
        Fraction = 16, // numbers that are not integers
        Boolean = 32,
        Null = 64,
        Number = Integer | Fraction,
        Any = Object | Array | String | Number | Boolean | Null,
    }

    private static readonly Dictionary<string, Types> Unsupported = new(StringComparer.Ordinal)
    {
        ["not"] = Types.Any,
        ["if"] = Types.Any,
        ["then"] = Types.Any,
        ["else"] = Types.Any,
        ["$dynamicRef"] = Types.Any,
        ["$recursiveRef"] = Types.Any,
        ["multipleOf"] = Types.Number,
        ["patternProperties"] = Types.Object,
        ["propertyNames"] = Types.Object,
        ["dependentRequired"] = Types.Object,
        ["dependentSchemas"] = Types.Object,
        ["dependencies"] = Types.Object,
        ["unevaluatedProperties"] = Types.Object,
        ["contains"] = Types.Array,
        ["minContains"] = Types.Array,
        ["maxContains"] = Types.Array,
        ["unevaluatedItems"] = Types.Array,
    };

    private static readonly Dictionary<string, Types> Implying = new(StringComparer.Ordinal)
    {
        ["properties"] = Types.Object,
        ["required"] = Types.Object,
        ["additionalProperties"] = Types.Object,
        ["minProperties"] = Types.Object,
        ["maxProperties"] = Types.Object,
        ["items"] = Types.Array,
        ["prefixItems"] = Types.Array,
        ["additionalItems"] = Types.Array,
        ["minItems"] = Types.Array,
        ["maxItems"] = Types.Array,
        ["uniqueItems"] = Types.Array,
        ["minLength"] = Types.String,
        ["maxLength"] = Types.String,
        ["pattern"] = Types.String,
        ["format"] = Types.String,
        ["minimum"] = Types.Number,
        ["maximum"] = Types.Number,
        ["exclusiveMinimum"] = Types.Number,
        ["exclusiveMaximum"] = Types.Number,
    };

    /// <summary>Keywords with no effect on validity, dropped when schemas are merged.</summary>
    public static bool IsAnnotation(string keyword) => keyword is "$schema" or "$id" or "$anchor" or "$comment" or "title"
        or "description" or "default" or "examples" or "deprecated" or "readOnly" or "writeOnly" or "$defs" or "definitions"
        or "contentEncoding" or "contentMediaType" or "contentSchema" or "$vocabulary" or "$dynamicAnchor" or "$recursiveAnchor";

    /// <summary>
    /// The types <paramref name="schema"/> generates: from "type" when present, else those its keywords imply, else any.
    /// </summary>
    public static Types Generated(JsonElement schema, string pointer)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            return Declared(type, SchemaPointer.Child(pointer, "type"));
        }

        var implied = Types.None;
        foreach (var member in schema.EnumerateObject())
        {
            implied |= Implying.GetValueOrDefault(member.Name);
        }

        return implied == Types.None ? Types.Any : implied;
    }

    /// <summary>The types a "type" keyword names.</summary>
    public static Types Declared(JsonElement type, string pointer)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            return Named(type.GetString()!, pointer);
        }

        if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
        {
            throw new SchemaException(pointer, $"expected a type name or a non-empty array of them; found {Describe(type)}");
        }

        var types = Types.None;
        int i = 0;
        foreach (var t in type.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                throw new SchemaException(SchemaPointer.Child(pointer, i), $"expected a type name; found {Describe(t)}");
            }

            types |= Named(t.GetString()!, SchemaPointer.Child(pointer, i++));
        }

        return types;
    }

    /// <summary>Throws for a keyword of <paramref name="schema"/> the compiler cannot express for the types in <paramref name="generated"/>.</summary>
    public static void RefuseUnsupported(JsonElement schema, string pointer, Types generated)
    {
        foreach (var member in schema.EnumerateObject())
        {
            if (Unsupported.TryGetValue(member.Name, out var appliesTo) && (appliesTo & generated) != 0)
            {
                throw new SchemaException(SchemaPointer.Child(pointer, member.Name),
                    $"keyword '{member.Name}' is not supported: a grammar cannot express it soundly");
            }
        }
    }

    /// <summary>True when <paramref name="value"/> is of one of <paramref name="types"/>.</summary>
    public static bool IsOf(JsonElement value, Types types) => (KindOf(value) & types) != 0;

    /// <summary>The type of a JSON value (integers are numbers without a fraction, 1.0 included).</summary>
    public static Types KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Types.Object,
        JsonValueKind.Array => Types.Array,
        JsonValueKind.String => Types.String,
        JsonValueKind.Number => value.TryGetDecimal(out decimal d) && d == decimal.Truncate(d) ? Types.Integer : Types.Fraction,
        JsonValueKind.True or JsonValueKind.False => Types.Boolean,
        _ => Types.Null,
    };

    /// <summary>A short description of a JSON value for messages.</summary>
    public static string Describe(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }

    private static Types Named(string name, string pointer) => name switch
    {
        "object" => Types.Object,
        "array" => Types.Array,
        "string" => Types.String,
        "integer" => Types.Integer,
        "number" => Types.Number,
        "boolean" => Types.Boolean,
        "null" => Types.Null,
        _ => throw new SchemaException(pointer,
            $"expected one of object, array, string, integer, number, boolean, null; found '{name}'"),
    };
}
