// Objects: declared properties in schema order (required first), optional ones in order, additional properties last.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// The grammar of an object schema, following llama.cpp and OpenAI's strict mode: the required properties come first in
/// the order "properties" lists them (then required names "properties" does not list), each optional property may follow
/// in its order, and keys other than the declared ones appear only when "additionalProperties" is true or a schema
/// (then after the declared ones, with keys of <c>[A-Za-z0-9_-]</c> that differ from every declared name). With no
/// "properties", "required" or "additionalProperties" at all, any object is generated. minProperties / maxProperties are
/// accepted only when every generated object already satisfies them.
/// </summary>
internal static class ObjectRules
{
    private const string KeyChars = "[A-Za-z0-9_\\x2D]";
    private static readonly JavaScriptEncoder KeyEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private enum Extra
    {
        None,
        Any,
        Schema,
    }

    public static string Build(SchemaCompiler compiler, JsonElement schema, string pointer, string name)
    {
        var rules = compiler.Rules;
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool hasRequired = schema.TryGetProperty("required", out var required);
        bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        if (!hasProperties && !hasRequired && !hasAdditional)
        {
            CheckCounts(schema, pointer, 0, 0, unbounded: true);
            return rules.BuiltIn("object");
        }

        var declared = Declared(schema, properties, hasProperties, pointer);
        var requiredNames = RequiredNames(required, hasRequired, pointer);
        var extra = ExtraKind(additional, hasAdditional, pointer);
        AddRequiredOnly(declared, requiredNames, extra, additional, pointer);
        CheckCounts(schema, pointer, requiredNames.Count, declared.Count, extra != Extra.None);

        string prefix = name == "root" ? string.Empty : name + "-";
        var requiredKvs = new List<string>();
        var optionalKvs = new List<string>();
        foreach (var (key, value, at) in Ordered(declared, requiredNames))
        {
            string valueRule = compiler.VisitChild(value, at, prefix + key);
            string kv = rules.Add(prefix + key + "-kv", $"{Key(key)} \":\" {rules.Sep}{valueRule}");
            (requiredNames.Contains(key) ? requiredKvs : optionalKvs).Add(kv);
        }

        string? extraKv = null;
        if (extra != Extra.None)
        {
            string valueRule = extra == Extra.Any
                ? rules.BuiltIn("value")
                : compiler.VisitChild(additional, SchemaPointer.Child(pointer, "additionalProperties"), prefix + "additional-value");
            string key = AdditionalKey(rules, prefix + "additional-key", declared.ConvertAll(d => d.Key));
            extraKv = rules.Add(prefix + "additional-kv", $"\"\\\"\" {key} \"\\\"\" \":\" {rules.Sep}{valueRule}");
        }

        return rules.Add(name, "\"{\" " + rules.Ws + Members(rules, prefix, requiredKvs, optionalKvs, extraKv) + rules.Ws + "\"}\"");
    }

    // r1 "," r2 ... then the optional ones as a chain of tails; with no required member the first present one has no comma.
    private static string Members(GbnfRules rules, string prefix, List<string> requiredKvs, List<string> optionalKvs, string? extraKv)
    {
        string comma = "\",\" " + rules.Sep;
        string? extraTail = extraKv is null ? null : rules.Add(prefix + "additional-rest", $"( {comma}{extraKv} )*");
        var tails = new string?[optionalKvs.Count + 1];
        tails[optionalKvs.Count] = extraTail;
        for (int j = optionalKvs.Count - 1; j >= 0; j--)
        {
            string body = $"( {comma}{optionalKvs[j]} )?" + (tails[j + 1] is { } next ? " " + next : string.Empty);
            tails[j] = rules.Add($"{prefix}tail-{j}", body);
        }

        var text = new StringBuilder();
        if (requiredKvs.Count > 0)
        {
            text.Append(string.Join(" " + comma, requiredKvs)).Append(' ');
            if (tails[0] is { } rest)
            {
                text.Append(rest).Append(' ');
            }

            return text.ToString();
        }

        var firsts = new List<string>();
        for (int j = 0; j < optionalKvs.Count; j++)
        {
            firsts.Add(optionalKvs[j] + (tails[j + 1] is { } next ? " " + next : string.Empty));
        }

        if (extraKv is not null)
        {
            firsts.Add(extraKv + " " + extraTail);
        }

        return firsts.Count == 0 ? string.Empty : "( " + string.Join(" | ", firsts) + " )? ";
    }

    private static List<(string Key, JsonElement Value, string At)> Declared(JsonElement schema, JsonElement properties, bool present, string pointer)
    {
        var declared = new List<(string, JsonElement, string)>();
        if (!present)
        {
            return declared;
        }

        string at = SchemaPointer.Child(pointer, "properties");
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw new SchemaException(at, $"expected an object of property schemas; found {SchemaKeywords.Describe(properties)}");
        }

        foreach (var p in properties.EnumerateObject())
        {
            declared.Add((p.Name, p.Value, SchemaPointer.Child(at, p.Name)));
        }

        return declared;
    }

    private static List<string> RequiredNames(JsonElement required, bool present, string pointer)
    {
        var names = new List<string>();
        if (!present)
        {
            return names;
        }

        string at = SchemaPointer.Child(pointer, "required");
        if (required.ValueKind != JsonValueKind.Array)
        {
            throw new SchemaException(at, $"expected an array of property names; found {SchemaKeywords.Describe(required)}");
        }

        int i = 0;
        foreach (var r in required.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.String)
            {
                throw new SchemaException(SchemaPointer.Child(at, i), $"expected a property name; found {SchemaKeywords.Describe(r)}");
            }

            if (!names.Contains(r.GetString()!))
            {
                names.Add(r.GetString()!);
            }

            i++;
        }

        return names;
    }

    private static Extra ExtraKind(JsonElement additional, bool present, string pointer) => !present ? Extra.None : additional.ValueKind switch
    {
        JsonValueKind.False => Extra.None,
        JsonValueKind.True => Extra.Any,
        JsonValueKind.Object => Extra.Schema,
        _ => throw new SchemaException(SchemaPointer.Child(pointer, "additionalProperties"),
            $"expected a schema or a boolean; found {SchemaKeywords.Describe(additional)}"),
    };

    // Required names that "properties" does not list must still appear: with any value (no additionalProperties), the
    // additionalProperties schema, or not at all (additionalProperties false: unsatisfiable).
    private static void AddRequiredOnly(List<(string Key, JsonElement Value, string At)> declared, List<string> required, Extra extra,
        JsonElement additional, string pointer)
    {
        for (int i = 0; i < required.Count; i++)
        {
            if (declared.Exists(d => d.Key == required[i]))
            {
                continue;
            }

            string at = SchemaPointer.Child(SchemaPointer.Child(pointer, "required"), i);
            if (additional.ValueKind == JsonValueKind.False)
            {
                throw new SchemaException(at, $"unsatisfiable: '{required[i]}' is required but additionalProperties is false and properties does not list it");
            }

            var value = extra == Extra.Schema ? additional : JsonSchemaGrammar.TrueSchema;
            declared.Add((required[i], value, at));
        }
    }

    private static IEnumerable<(string Key, JsonElement Value, string At)> Ordered(
        List<(string Key, JsonElement Value, string At)> declared, List<string> required)
    {
        foreach (var d in declared)
        {
            if (required.Contains(d.Key))
            {
                yield return d;
            }
        }

        foreach (var d in declared)
        {
            if (!required.Contains(d.Key))
            {
                yield return d;
            }
        }
    }

    private static void CheckCounts(JsonElement schema, string pointer, int fewest, int most, bool unbounded)
    {
        int? min = StringRules.Count(schema, pointer, "minProperties");
        int? max = StringRules.Count(schema, pointer, "maxProperties");
        if (min > fewest)
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "minProperties"),
                $"minProperties {min} is more than the {fewest} required properties; not supported (make more properties required)");
        }

        if (max is { } m && (unbounded || m < most))
        {
            throw new SchemaException(SchemaPointer.Child(pointer, "maxProperties"),
                $"maxProperties {m} could be exceeded by the properties allowed; not supported");
        }
    }

    private static string Key(string name) => GbnfWriter.Literal("\"" + JsonEncodedText.Encode(name, KeyEncoder).Value + "\"");

    // Keys of KeyChars that are none of `declared`: a trie of the declared names, each node a rule with one branch per next
    // character of a name, one for any other character (then anything), and an end where the prefix is not itself a name.
    private static string AdditionalKey(GbnfRules rules, string name, List<string> declared)
    {
        var names = declared.FindAll(n => n.Length > 0 && n.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
        return KeyNode(rules, name, names, string.Empty);
    }

    private static string KeyNode(GbnfRules rules, string name, List<string> names, string prefix)
    {
        var next = new SortedSet<char>();
        foreach (string n in names)
        {
            if (n.Length > prefix.Length && n.StartsWith(prefix, StringComparison.Ordinal))
            {
                next.Add(n[prefix.Length]);
            }
        }

        var alternatives = new List<string>();
        foreach (char c in next)
        {
            alternatives.Add(GbnfWriter.Literal(c.ToString()) + " " + KeyNode(rules, name, names, prefix + c));
        }

        var others = new List<(int Start, int End)>();
        foreach (var (start, end) in new[] { ('-', '-' + 1), ('0', '9' + 1), ('A', 'Z' + 1), ('_', '_' + 1), ('a', 'z' + 1) })
        {
            for (int c = start; c < end; c++)
            {
                if (next.Contains((char)c))
                {
                    continue;
                }

                if (others.Count > 0 && others[^1].End == c)
                {
                    others[^1] = (others[^1].Start, c + 1);
                }
                else
                {
                    others.Add((c, c + 1));
                }
            }
        }

        if (others.Count > 0)
        {
            alternatives.Add(GbnfWriter.Class(others) + " " + KeyChars + "*");
        }

        if (prefix.Length > 0 && !names.Contains(prefix))
        {
            alternatives.Add("\"\"");
        }

        return rules.Add($"{name}-{prefix.Length}", string.Join(" | ", alternatives));
    }
}
