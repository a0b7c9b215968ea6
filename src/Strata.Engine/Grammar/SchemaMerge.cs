// allOf (and keywords beside $ref, anyOf or oneOf) merged into one schema whose instances satisfy every part.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Engine.Grammar;

/// <summary>
/// Intersects schemas keyword by keyword, where the intersection is itself a schema: types intersect, properties unite
/// (a property in two parts becomes <c>allOf</c> of both), required names unite, lower bounds take the largest and upper
/// bounds the smallest, const/enum values intersect, item schemas combine with allOf. A keyword two parts give different
/// values the compiler cannot combine (two patterns, two formats, ...) is refused, and so is an additionalProperties
/// limit that another part's properties would break. At most one part may carry anyOf/oneOf.
/// </summary>
internal static class SchemaMerge
{
    private static readonly HashSet<string> Largest = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
    private static readonly HashSet<string> Smallest = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];

    /// <summary>The merge of <paramref name="schema"/>'s allOf parts (and $ref target) with its other keywords.</summary>
    public static JsonElement AllOf(SchemaCompiler compiler, JsonElement schema, string pointer)
    {
        var parts = new List<(JsonElement Schema, string At)>();
        Flatten(compiler, schema, pointer, parts, []);
        return Merge(parts, pointer);
    }

    /// <summary>
    /// <paramref name="alternative"/> of <paramref name="schema"/>'s <paramref name="keyword"/> (anyOf or oneOf) with the
    /// keywords beside it applied too; the alternative itself when there are none.
    /// </summary>
    public static JsonElement WithSiblings(SchemaCompiler compiler, JsonElement schema, string keyword, JsonElement alternative, string at)
    {
        var siblings = new JsonObject();
        foreach (var member in schema.EnumerateObject())
        {
            if (member.Name != keyword && !SchemaKeywords.IsAnnotation(member.Name))
            {
                siblings[member.Name] = JsonNode.Parse(member.Value.GetRawText());
            }
        }

        if (siblings.Count == 0)
        {
            return alternative;
        }

        var parts = new List<(JsonElement Schema, string At)>();
        Flatten(compiler, ToElement(siblings), at, parts, []);
        Flatten(compiler, alternative, at, parts, []);
        return Merge(parts, at);
    }

    // Splits a schema into parts with no allOf and no $ref: their conjunction is the schema.
    private static void Flatten(SchemaCompiler compiler, JsonElement schema, string at, List<(JsonElement, string)> parts, HashSet<string> refs)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new SchemaException(at, schema.ValueKind == JsonValueKind.False
                ? "unsatisfiable: an allOf part is 'false'"
                : $"expected a schema; found {SchemaKeywords.Describe(schema)}");
        }

        var rest = new JsonObject();
        foreach (var member in schema.EnumerateObject())
        {
            switch (member.Name)
            {
                case "$ref" when member.Value.ValueKind == JsonValueKind.String:
                    string target = member.Value.GetString()!;
                    if (!refs.Add(target))
                    {
                        throw new SchemaException(SchemaPointer.Child(at, "$ref"), $"allOf reaches $ref '{target}' again: recursive allOf is not supported");
                    }

                    Flatten(compiler, compiler.Resolve(target, SchemaPointer.Child(at, "$ref")), target, parts, refs);
                    break;
                case "allOf":
                    FlattenAll(compiler, member.Value, SchemaPointer.Child(at, "allOf"), parts, refs);
                    break;
                default:
                    if (!SchemaKeywords.IsAnnotation(member.Name))
                    {
                        rest[member.Name] = JsonNode.Parse(member.Value.GetRawText());
                    }

                    break;
            }
        }

        if (rest.Count > 0)
        {
            parts.Add((ToElement(rest), at));
        }
    }

    private static void FlattenAll(SchemaCompiler compiler, JsonElement list, string at, List<(JsonElement, string)> parts, HashSet<string> refs)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new SchemaException(at, $"expected a non-empty array of schemas; found {SchemaKeywords.Describe(list)}");
        }

        int i = 0;
        foreach (var part in list.EnumerateArray())
        {
            Flatten(compiler, part, SchemaPointer.Child(at, i++), parts, refs);
        }
    }

    private static JsonElement Merge(List<(JsonElement Schema, string At)> parts, string pointer)
    {
        var result = new JsonObject();
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (part, at) in parts)
        {
            foreach (var member in part.EnumerateObject())
            {
                string keyAt = SchemaPointer.Child(at, member.Name);
                var value = JsonNode.Parse(member.Value.GetRawText());
                if (!result.TryGetPropertyValue(member.Name, out var existing))
                {
                    result[member.Name] = value;
                    from[member.Name] = keyAt;
                    continue;
                }

                result[member.Name] = Combine(member.Name, existing!, value!, from[member.Name], keyAt);
            }
        }

        CheckAdditional(parts, result);
        return ToElement(result);
    }

    private static JsonNode Combine(string keyword, JsonNode a, JsonNode b, string aAt, string bAt)
    {
        if (JsonNode.DeepEquals(a, b))
        {
            return a;
        }

        switch (keyword)
        {
            case "type":
                return Types(a, b, bAt);
            case "properties" when a is JsonObject pa && b is JsonObject pb:
                foreach (var (name, schema) in pb)
                {
                    pa[name] = pa.TryGetPropertyValue(name, out var mine) ? Both(mine!, schema!) : schema!.DeepClone();
                }

                return pa;
            case "required" when a is JsonArray ra && b is JsonArray rb:
                foreach (var name in rb)
                {
                    if (!ra.Any(x => JsonNode.DeepEquals(x, name)))
                    {
                        ra.Add(name!.DeepClone());
                    }
                }

                return ra;
            case "items" or "additionalItems" or "additionalProperties" when a is JsonObject && b is JsonObject:
                return Both(a, b);
            case "uniqueItems":
                return JsonValue.Create(true);
            case "const" or "enum":
                return Values(a, b, keyword, bAt);
        }

        if (a is JsonValue va && b is JsonValue vb && va.TryGetValue(out decimal x) && vb.TryGetValue(out decimal y))
        {
            if (Largest.Contains(keyword))
            {
                return JsonValue.Create(Math.Max(x, y));
            }

            if (Smallest.Contains(keyword))
            {
                return JsonValue.Create(Math.Min(x, y));
            }
        }

        throw new SchemaException(bAt, $"allOf: '{keyword}' differs from the one at {aAt}; merging them is not supported");
    }

    private static JsonObject Both(JsonNode a, JsonNode b) => new() { ["allOf"] = new JsonArray(a.DeepClone(), b.DeepClone()) };

    private static JsonArray Types(JsonNode a, JsonNode b, string at)
    {
        var both = SchemaKeywords.Declared(ToElement(a), at) & SchemaKeywords.Declared(ToElement(b), at);
        if (both == SchemaKeywords.Types.None)
        {
            throw new SchemaException(at, "unsatisfiable: allOf parts have no type in common");
        }

        var names = new JsonArray();
        foreach (var (flag, name) in new[]
        {
            (SchemaKeywords.Types.Object, "object"), (SchemaKeywords.Types.Array, "array"), (SchemaKeywords.Types.String, "string"),
            (SchemaKeywords.Types.Boolean, "boolean"), (SchemaKeywords.Types.Null, "null"),
        })
        {
            if ((both & flag) != 0)
            {
                names.Add(name);
            }
        }

        if ((both & SchemaKeywords.Types.Number) != 0)
        {
            names.Add((both & SchemaKeywords.Types.Fraction) != 0 ? "number" : "integer");
        }

        return names;
    }

    // const and enum as the list of values both allow.
    private static JsonNode Values(JsonNode a, JsonNode b, string keyword, string at)
    {
        var kept = new JsonArray();
        var left = keyword == "enum" && a is JsonArray la ? la : new JsonArray(a.DeepClone());
        var right = keyword == "enum" && b is JsonArray lb ? lb : new JsonArray(b.DeepClone());
        foreach (var v in left)
        {
            if (right.Any(w => JsonNode.DeepEquals(v, w)))
            {
                kept.Add(v!.DeepClone());
            }
        }

        if (kept.Count == 0)
        {
            throw new SchemaException(at, $"unsatisfiable: allOf parts allow no common {keyword} value");
        }

        return keyword == "enum" ? kept : kept[0]!.DeepClone();
    }

    // A part that limits its object's keys (additionalProperties false or a schema) must list every property another part adds.
    private static void CheckAdditional(List<(JsonElement Schema, string At)> parts, JsonObject merged)
    {
        if (parts.Count < 2 || merged["properties"] is not JsonObject all)
        {
            return;
        }

        foreach (var (part, at) in parts)
        {
            if (!part.TryGetProperty("additionalProperties", out var limit) || limit.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            foreach (var (name, _) in all)
            {
                if (!part.TryGetProperty("properties", out var own) || own.ValueKind != JsonValueKind.Object || !own.TryGetProperty(name, out _))
                {
                    throw new SchemaException(SchemaPointer.Child(at, "additionalProperties"),
                        $"allOf: this part limits additional properties, but another part adds '{name}'; not supported");
                }
            }
        }
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
