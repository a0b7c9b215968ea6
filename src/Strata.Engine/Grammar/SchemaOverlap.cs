// oneOf needs exactly one alternative to match: the compiler proves its alternatives disjoint or refuses the schema.
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// A conservative disjointness test for oneOf alternatives, so that a generated value never matches two of them. Two
/// alternatives are disjoint when they generate no type in common; when both are const/enum lists with no common value (or
/// one's values are all of types the other never generates); or, for objects, when each requires a property the other's
/// generated objects never have, requires a property the other forbids (additionalProperties false), or both require a
/// property whose const/enum values do not meet (a discriminator). Anything else is refused with the pair's pointers.
/// </summary>
internal static class SchemaOverlap
{
    /// <summary>Throws when two alternatives might both match one generated value.</summary>
    public static void RequireDisjoint(SchemaCompiler compiler, List<(JsonElement Schema, string Pointer)> alternatives)
    {
        var facts = alternatives.ConvertAll(a => Facts.Of(compiler, a.Schema, a.Pointer, 0));
        for (int i = 0; i < facts.Count; i++)
        {
            for (int j = i + 1; j < facts.Count; j++)
            {
                if (!Disjoint(facts[i], facts[j]))
                {
                    throw new SchemaException(alternatives[j].Pointer,
                        $"oneOf: this alternative may match the same values as {alternatives[i].Pointer}, so a generated value could "
                        + "match both (give them different types, const/enum values, or a required discriminator property)");
                }
            }
        }
    }

    private static bool Disjoint(Facts a, Facts b)
    {
        if ((a.Types & b.Types) == 0)
        {
            return true;
        }

        if (a.Values is not null && ValuesOutside(a.Values, b))
        {
            return true;
        }

        if (b.Values is not null && ValuesOutside(b.Values, a))
        {
            return true;
        }

        return (a.Types & b.Types) == SchemaKeywords.Types.Object && Fails(a, b) && Fails(b, a);
    }

    private static bool ValuesOutside(List<JsonElement> values, Facts other)
    {
        foreach (var v in values)
        {
            if (SchemaKeywords.IsOf(v, other.Types) && (other.Values is null || other.Values.Exists(w => JsonElement.DeepEquals(v, w))))
            {
                return false;
            }
        }

        return true;
    }

    // True when every object `a` generates fails `b`.
    private static bool Fails(Facts a, Facts b)
    {
        if (a.Declared is not null && b.Required.Exists(k => !a.Declared.Contains(k)))
        {
            return true;
        }

        if (b.Closed is not null && a.Required.Exists(k => !b.Closed.Contains(k)))
        {
            return true;
        }

        foreach (var (key, values) in a.Discriminators)
        {
            if (b.Discriminators.TryGetValue(key, out var others) && !values.Exists(v => others.Exists(w => JsonElement.DeepEquals(v, w))))
            {
                return true;
            }
        }

        return false;
    }

    // What an alternative generates, as far as the test needs.
    private sealed class Facts
    {
        public SchemaKeywords.Types Types { get; private init; }

        public List<JsonElement>? Values { get; private init; }

        public List<string> Required { get; private init; } = [];

        public HashSet<string>? Declared { get; private init; } // keys generated objects may have; null = any

        public HashSet<string>? Closed { get; private init; } // keys the schema allows at all (additionalProperties false); null = any

        public Dictionary<string, List<JsonElement>> Discriminators { get; } = new(StringComparer.Ordinal);

        public static Facts Of(SchemaCompiler compiler, JsonElement schema, string pointer, int depth)
        {
            if (schema.ValueKind != JsonValueKind.Object || depth > 16)
            {
                return new Facts { Types = SchemaKeywords.Types.Any };
            }

            if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String && schema.EnumerateObject().Count() == 1)
            {
                return Of(compiler, compiler.Resolve(reference.GetString()!, pointer), reference.GetString()!, depth + 1);
            }

            if (schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _) || schema.TryGetProperty("allOf", out _)
                || schema.TryGetProperty("$ref", out _))
            {
                return new Facts { Types = SchemaKeywords.Types.Any };
            }

            var types = SchemaKeywords.Generated(schema, pointer);
            if (schema.TryGetProperty("const", out _) || schema.TryGetProperty("enum", out _))
            {
                var values = SchemaCompiler.ConstantValues(schema, pointer).FindAll(v => SchemaKeywords.IsOf(v, types));
                var kinds = SchemaKeywords.Types.None;
                values.ForEach(v => kinds |= SchemaKeywords.KindOf(v));
                return new Facts { Types = kinds, Values = values };
            }

            return (types & SchemaKeywords.Types.Object) != 0 ? Object(compiler, schema, pointer, types, depth) : new Facts { Types = types };
        }

        private static Facts Object(SchemaCompiler compiler, JsonElement schema, string pointer, SchemaKeywords.Types types, int depth)
        {
            bool hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
            bool hasRequired = schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array;
            bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            if (hasProperties)
            {
                foreach (var p in properties.EnumerateObject())
                {
                    keys.Add(p.Name);
                }
            }

            var requiredNames = new List<string>();
            if (hasRequired)
            {
                foreach (var r in required.EnumerateArray())
                {
                    if (r.ValueKind == JsonValueKind.String)
                    {
                        requiredNames.Add(r.GetString()!);
                        keys.Add(r.GetString()!);
                    }
                }
            }

            bool generic = !hasProperties && !hasRequired && !hasAdditional;
            bool extra = hasAdditional && additional.ValueKind != JsonValueKind.False;
            var facts = new Facts
            {
                Types = types,
                Required = requiredNames,
                Declared = generic || extra ? null : keys,
                Closed = hasAdditional && additional.ValueKind == JsonValueKind.False ? keys : null,
            };
            foreach (string name in requiredNames)
            {
                if (hasProperties && properties.TryGetProperty(name, out var property))
                {
                    var inner = Of(compiler, property, SchemaPointer.Child(pointer, name), depth + 1);
                    if (inner.Values is not null)
                    {
                        facts.Discriminators[name] = inner.Values;
                    }
                }
            }

            return facts;
        }
    }
}
