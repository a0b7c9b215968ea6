// Compiles one JSON Schema document into GBNF rules: dispatch by keyword, references, unions, constants, scalars.
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// Walks a schema and writes a rule per sub-schema, named after its path like llama.cpp's json-schema-to-grammar. The
/// order of decisions: boolean schemas; <c>$ref</c>; <c>allOf</c> (merged first, <see cref="SchemaMerge"/>);
/// <c>anyOf</c>/<c>oneOf</c> (the keywords beside them merged into each alternative; oneOf alternatives must be
/// disjoint, <see cref="SchemaOverlap"/>); <c>const</c>/<c>enum</c>; then the union of the types the schema generates.
/// Errors are <see cref="SchemaException"/>s at the JSON pointer of the part at fault.
/// </summary>
internal sealed class SchemaCompiler
{
    private const int MaxDepth = 200;
    private static readonly JsonWriterOptions LiteralWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _refNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _refsOpen = new(StringComparer.Ordinal);
    private int _nesting; // object members and array items entered: a $ref cycle must cross one
    private int _depth;

    public SchemaCompiler(JsonElement root, JsonWhitespace whitespace)
    {
        _root = root;
        Rules = new GbnfRules(whitespace);
    }

    /// <summary>The rules written so far.</summary>
    public GbnfRules Rules { get; }

    /// <summary>Visits the schema of an object member or array item (a structural boundary for $ref cycles).</summary>
    public string VisitChild(JsonElement schema, string pointer, string name)
    {
        _nesting++;
        try
        {
            return Visit(schema, pointer, name);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>The rule (or built-in) matching instances of <paramref name="schema"/>, named after <paramref name="name"/>.</summary>
    public string Visit(JsonElement schema, string pointer, string name)
    {
        if (++_depth > MaxDepth)
        {
            throw new SchemaException(pointer, $"the schema nests more than {MaxDepth} deep");
        }

        try
        {
            return VisitSchema(schema, pointer, name);
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>The schema a local reference names.</summary>
    public JsonElement Resolve(string reference, string at)
    {
        if (!SchemaPointer.TryResolve(_root, reference, out var target))
        {
            throw new SchemaException(at, $"cannot resolve $ref '{reference}': expected a local reference ('#', '#/$defs/name', ...) to a part of this schema");
        }

        return target;
    }

    /// <summary>A GBNF literal of <paramref name="value"/> serialized as compact JSON.</summary>
    public static string Literal(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, LiteralWriter))
        {
            value.WriteTo(writer);
        }

        return GbnfWriter.Literal(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private string VisitSchema(JsonElement schema, string pointer, string name)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return Rules.BuiltIn("value");
            case JsonValueKind.False:
                throw new SchemaException(pointer, "unsatisfiable: the schema 'false' accepts nothing");
            case JsonValueKind.Object:
                break;
            default:
                throw new SchemaException(pointer, $"expected a schema (an object or a boolean); found {SchemaKeywords.Describe(schema)}");
        }

        if (!schema.EnumerateObject().Any())
        {
            // llama.cpp reads the empty schema as "an object" (the usual intent of JSON mode); 'true' stays "any value".
            return Rules.BuiltIn("object");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(schema, reference, pointer, name);
        }

        if (schema.TryGetProperty("allOf", out _))
        {
            return Visit(SchemaMerge.AllOf(this, schema, pointer), pointer, name);
        }

        if (schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _))
        {
            return Union(schema, pointer, name);
        }

        var types = SchemaKeywords.Generated(schema, pointer);
        SchemaKeywords.RefuseUnsupported(schema, pointer, types);
        if (schema.TryGetProperty("const", out _) || schema.TryGetProperty("enum", out _))
        {
            return Rules.Add(name, Constants(schema, pointer, types));
        }

        return types == SchemaKeywords.Types.Any ? Rules.BuiltIn("value") : Typed(schema, pointer, name, types);
    }

    // The union of the grammars of each type the schema generates.
    private string Typed(JsonElement schema, string pointer, string name, SchemaKeywords.Types types)
    {
        var parts = new List<string>();
        if ((types & SchemaKeywords.Types.Object) != 0)
        {
            parts.Add(ObjectRules.Build(this, schema, pointer, name));
        }

        if ((types & SchemaKeywords.Types.Array) != 0)
        {
            parts.Add(ArrayRules.Build(this, schema, pointer, name));
        }

        if ((types & SchemaKeywords.Types.String) != 0)
        {
            parts.Add(StringRules.Build(schema, pointer, Rules));
        }

        if ((types & SchemaKeywords.Types.Number) != 0)
        {
            bool fractions = (types & SchemaKeywords.Types.Fraction) != 0;
            parts.Add(NumberRules.HasBounds(schema)
                ? NumberRules.Bounded(schema, pointer, fractions)
                : Rules.BuiltIn(fractions ? "number" : "integer"));
        }

        if ((types & SchemaKeywords.Types.Boolean) != 0)
        {
            parts.Add(Rules.BuiltIn("boolean"));
        }

        if ((types & SchemaKeywords.Types.Null) != 0)
        {
            parts.Add(Rules.BuiltIn("null"));
        }

        return parts.Count == 1 && !parts[0].Contains(' ', StringComparison.Ordinal) ? parts[0] : Rules.Add(name, string.Join(" | ", parts));
    }

    private string Reference(JsonElement schema, JsonElement reference, string pointer, string name)
    {
        string at = SchemaPointer.Child(pointer, "$ref");
        if (reference.ValueKind != JsonValueKind.String)
        {
            throw new SchemaException(at, $"expected a reference string; found {SchemaKeywords.Describe(reference)}");
        }

        foreach (var member in schema.EnumerateObject())
        {
            if (member.Name != "$ref" && !SchemaKeywords.IsAnnotation(member.Name))
            {
                // Keywords beside $ref apply too (2019-09 and later): the instance must satisfy both.
                return Visit(SchemaMerge.AllOf(this, schema, pointer), pointer, name);
            }
        }

        string target = reference.GetString()!;
        if (_refNames.TryGetValue(target, out string? known))
        {
            if (_refsOpen.TryGetValue(target, out int nesting) && nesting == _nesting)
            {
                throw new SchemaException(at, $"$ref '{target}' refers back to itself without an object or array in between: it can never produce a value");
            }

            return known;
        }

        var resolved = Resolve(target, at);
        string rule = Rules.Reserve(SchemaPointer.RuleName(target));
        _refNames[target] = rule;
        _refsOpen[target] = _nesting;
        string body = Visit(resolved, target, rule + "-value");
        _refsOpen.Remove(target);
        Rules.Define(rule, body);
        return rule;
    }

    private string Union(JsonElement schema, string pointer, string name)
    {
        bool oneOf = schema.TryGetProperty("oneOf", out var alternatives);
        string keyword = oneOf ? "oneOf" : "anyOf";
        if (!oneOf)
        {
            alternatives = schema.GetProperty("anyOf");
        }
        else if (schema.TryGetProperty("anyOf", out _))
        {
            throw new SchemaException(pointer, "anyOf together with oneOf is not supported");
        }

        string at = SchemaPointer.Child(pointer, keyword);
        if (alternatives.ValueKind != JsonValueKind.Array || alternatives.GetArrayLength() == 0)
        {
            throw new SchemaException(at, $"expected a non-empty array of schemas; found {SchemaKeywords.Describe(alternatives)}");
        }

        var merged = new List<(JsonElement Schema, string Pointer)>();
        int i = 0;
        foreach (var alternative in alternatives.EnumerateArray())
        {
            string altAt = SchemaPointer.Child(at, i++);
            merged.Add((SchemaMerge.WithSiblings(this, schema, keyword, alternative, altAt), altAt));
        }

        if (oneOf)
        {
            SchemaOverlap.RequireDisjoint(this, merged);
        }

        var parts = new List<string>(merged.Count);
        for (int k = 0; k < merged.Count; k++)
        {
            parts.Add(Visit(merged[k].Schema, merged[k].Pointer, $"{name}-{k}"));
        }

        return Rules.Add(name, string.Join(" | ", parts));
    }

    private static string Constants(JsonElement schema, string pointer, SchemaKeywords.Types types)
    {
        foreach (var member in schema.EnumerateObject())
        {
            if (member.Name is not ("const" or "enum" or "type") && !SchemaKeywords.IsAnnotation(member.Name))
            {
                throw new SchemaException(SchemaPointer.Child(pointer, member.Name),
                    $"'{member.Name}' beside const/enum is not supported (list only the values that satisfy it)");
            }
        }

        var values = ConstantValues(schema, pointer);
        var literals = new List<string>();
        foreach (var value in values)
        {
            if (SchemaKeywords.IsOf(value, types))
            {
                literals.Add(Literal(value));
            }
        }

        if (literals.Count == 0)
        {
            throw new SchemaException(SchemaPointer.Child(pointer, schema.TryGetProperty("enum", out _) ? "enum" : "const"),
                "unsatisfiable: no listed value is of the schema's type (or const is not in enum)");
        }

        return string.Join(" | ", literals);
    }

    /// <summary>The values const and enum allow (their intersection when both are present).</summary>
    public static List<JsonElement> ConstantValues(JsonElement schema, string pointer)
    {
        var values = new List<JsonElement>();
        bool hasConst = schema.TryGetProperty("const", out var constant);
        if (schema.TryGetProperty("enum", out var list))
        {
            string at = SchemaPointer.Child(pointer, "enum");
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                throw new SchemaException(at, $"unsatisfiable: expected a non-empty array of values; found {SchemaKeywords.Describe(list)}");
            }

            foreach (var value in list.EnumerateArray())
            {
                if (!hasConst || JsonElement.DeepEquals(value, constant))
                {
                    values.Add(value);
                }
            }
        }
        else if (hasConst)
        {
            values.Add(constant);
        }

        return values;
    }
}
