// Arrays: items, prefixItems (or draft-7 tuple items), minItems and maxItems.
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// The grammar of an array schema. Position i below the prefix length follows prefixItems[i] (or draft 7's array-form
/// "items"); later positions follow "items" (2020-12) or "additionalItems" (draft 7), absent meaning any value and false
/// meaning none. The length lies in [minItems, maxItems]; a maximum over <see cref="GbnfParser.MaxRepetition"/> is
/// lowered to it. uniqueItems is accepted only when at most one item can be generated.
/// </summary>
internal static class ArrayRules
{
    public static string Build(SchemaCompiler compiler, JsonElement schema, string pointer, string name)
    {
        var rules = compiler.Rules;
        string prefix = name == "root" ? string.Empty : name + "-";
        int min = StringRules.Count(schema, pointer, "minItems") ?? 0;
        int? max = StringRules.Count(schema, pointer, "maxItems");
        if (max < min)
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "minItems"), $"unsatisfiable: minItems {min} > maxItems {max}");
        }

        var (tuple, rest, restAt) = Shapes(schema, pointer);
        if (rest.ValueKind == JsonValueKind.False)
        {
            if (min > tuple.Count)
            {
                throw new SchemaException(SchemaPointer.Child(pointer, "minItems"),
                    $"unsatisfiable: minItems {min} but only {tuple.Count} items are allowed");
            }

            max = Math.Min(max ?? tuple.Count, tuple.Count);
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True && (max is null || max > 1))
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "uniqueItems"), "uniqueItems is not supported unless maxItems is at most 1");
        }

        int count = max is { } m ? Math.Min(m, tuple.Count) : tuple.Count;
        var items = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(compiler.VisitChild(tuple[i].Schema, tuple[i].At, $"{prefix}item-{i}"));
        }

        string? restItem = rest.ValueKind == JsonValueKind.False || max == count
            ? null
            : compiler.VisitChild(rest, restAt, prefix + "item");
        string body = Sequence(rules, prefix, items, restItem, min, max);
        return rules.Add(name, "\"[\" " + rules.Ws + body + rules.Ws + "\"]\"");
    }

    // The prefix items (mandatory below min), then the rest items, comma-separated; empty when nothing is generated.
    private static string Sequence(GbnfRules rules, string prefix, List<string> items, string? restItem, int min, int? max)
    {
        string comma = "\",\" " + rules.Sep;
        string? restTail = null;
        if (restItem is not null)
        {
            int restMin = Math.Max(0, min - items.Count);
            int? restMax = max - items.Count;
            if (items.Count == 0)
            {
                return Repetition(restItem, comma, restMin, restMax);
            }

            restTail = restMax == 0 ? null : Counted($"( {comma}{restItem} )", restMin, restMax);
        }

        if (items.Count == 0)
        {
            return string.Empty;
        }

        string? tail = restTail;
        for (int i = items.Count - 1; i >= 1; i--)
        {
            string body = $"{comma}{items[i]}" + (tail is null ? string.Empty : " " + tail);
            tail = rules.Add($"{prefix}tuple-{i}", i < min ? body : $"( {body} )?");
        }

        string sequence = items[0] + (tail is null ? string.Empty : " " + tail);
        return (min == 0 ? $"( {sequence} )?" : sequence) + " ";
    }

    // item ("," item){min-1,max-1}, optional as a whole when min is 0.
    private static string Repetition(string item, string comma, int min, int? max)
    {
        if (max == 0)
        {
            return string.Empty;
        }

        string more = Counted($"( {comma}{item} )", Math.Max(0, min - 1), max - 1);
        string sequence = item + (more.Length == 0 ? string.Empty : " " + more);
        return (min == 0 ? $"( {sequence} )?" : sequence) + " ";
    }

    private static string Counted(string item, int min, int? max) => max switch
    {
        0 => string.Empty,
        null when min == 0 => item + "*",
        null when min == 1 => item + "+",
        null => $"{item}{{{min},}}",
        _ when max == min => $"{item}{{{min}}}",
        _ => $"{item}{{{min},{max}}}",
    };

    // The per-position schemas and the schema of the positions after them.
    private static (List<(JsonElement Schema, string At)> Tuple, JsonElement After, string AfterAt) Shapes(JsonElement schema, string pointer)
    {
        var tuple = new List<(JsonElement, string)>();
        JsonElement rest = JsonSchemaGrammar.TrueSchema;
        string restAt = pointer;
        bool hasPrefix = schema.TryGetProperty("prefixItems", out var prefixItems);
        bool hasItems = schema.TryGetProperty("items", out var items);
        if (hasPrefix || (hasItems && items.ValueKind == JsonValueKind.Array))
        {
            string keyword = hasPrefix ? "prefixItems" : "items";
            var list = hasPrefix ? prefixItems : items;
            string at = SchemaPointer.Child(pointer, keyword);
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new SchemaException(at, $"expected an array of schemas; found {SchemaKeywords.Describe(list)}");
            }

            int i = 0;
            foreach (var item in list.EnumerateArray())
            {
                tuple.Add((item, SchemaPointer.Child(at, i++)));
            }

            string restKeyword = hasPrefix ? "items" : "additionalItems";
            if (schema.TryGetProperty(restKeyword, out var after))
            {
                (rest, restAt) = (after, SchemaPointer.Child(pointer, restKeyword));
            }
        }
        else if (hasItems)
        {
            (rest, restAt) = (items, SchemaPointer.Child(pointer, "items"));
        }

        return (tuple, rest, restAt);
    }
}
