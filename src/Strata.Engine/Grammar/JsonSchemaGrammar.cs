// Compiles JSON Schema to a grammar of the JSON documents it accepts (and the json_object mode: any object).
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>
/// JSON Schema → <see cref="Grammar"/>, following the semantics of llama.cpp's json-schema-to-grammar but sound: every
/// text the grammar accepts is a JSON document the schema validates (checked in tests by JsonSchema.Net), or the schema is
/// refused with a <see cref="SchemaException"/> naming the JSON pointer at fault, before any token is generated.
/// Supported: type (one or a list), properties / required / additionalProperties (absent means no extra keys, as in
/// llama.cpp and OpenAI's strict mode, except that a schema with none of the three means any object), enum, const,
/// items / prefixItems / additionalItems, minItems / maxItems, anyOf, oneOf (provably disjoint alternatives), allOf
/// (mergeable parts), local $ref / $defs / definitions including recursion, minLength / maxLength, format date, time,
/// date-time, uuid and email, simple patterns, and integer and number bounds. Keys appear in schema order, required ones
/// first. Whitespace follows <see cref="JsonSchemaGrammarOptions.Whitespace"/>. Unknown keywords are annotations and
/// ignored; known ones that cannot be expressed (not, if, multipleOf, patternProperties, ...) are refused.
/// Limits: repetition counts above 2000 (maxItems, maxLength) are lowered to 2000; integer parts without an upper bound
/// have at most 16 digits; generated objects with additional properties may repeat a key (as llama.cpp's).
/// </summary>
public static class JsonSchemaGrammar
{
    /// <summary>The schema <c>true</c> (any value).</summary>
    internal static readonly JsonElement TrueSchema = Parse("true");

    /// <summary>Compiles the schema in <paramref name="schemaJson"/>.</summary>
    /// <exception cref="SchemaException">the text is not JSON, or the schema cannot be compiled (see the pointer)</exception>
    public static Grammar Compile(string schemaJson, JsonSchemaGrammarOptions? options = null) => Parse(ToGbnf(schemaJson, options), schemaJson);

    /// <summary>Compiles <paramref name="schema"/>.</summary>
    /// <exception cref="SchemaException">the schema cannot be compiled (see the pointer)</exception>
    public static Grammar Compile(JsonElement schema, JsonSchemaGrammarOptions? options = null) => Parse(ToGbnf(schema, options), schema);

    /// <summary>The GBNF text the schema in <paramref name="schemaJson"/> compiles to.</summary>
    /// <exception cref="SchemaException">the text is not JSON, or the schema cannot be compiled</exception>
    public static string ToGbnf(string schemaJson, JsonSchemaGrammarOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(schemaJson);
        }
        catch (JsonException e)
        {
            throw new SchemaException("#", $"the schema is not valid JSON: {e.Message}");
        }

        using (document)
        {
            return ToGbnf(document.RootElement, options);
        }
    }

    /// <summary>The GBNF text <paramref name="schema"/> compiles to.</summary>
    /// <exception cref="SchemaException">the schema cannot be compiled</exception>
    public static string ToGbnf(JsonElement schema, JsonSchemaGrammarOptions? options = null)
    {
        var compiler = new SchemaCompiler(schema, (options ?? JsonSchemaGrammarOptions.Default).Whitespace);
        string root = compiler.Visit(schema, "#", "root");
        return compiler.Rules.Write(root);
    }

    /// <summary>A grammar of any JSON object: OpenAI's <c>response_format: {"type": "json_object"}</c>.</summary>
    public static Grammar AnyObject(JsonSchemaGrammarOptions? options = null)
    {
        var rules = new GbnfRules((options ?? JsonSchemaGrammarOptions.Default).Whitespace);
        return Grammar.Parse(rules.Write(rules.BuiltIn("object")));
    }

    private static Grammar Parse(string gbnf, JsonElement schema) => Parse(gbnf, schema.GetRawText());

    // A grammar our compiler wrote that does not parse is our bug; say so with the schema.
    private static Grammar Parse(string gbnf, string schema)
    {
        try
        {
            return Grammar.Parse(gbnf);
        }
        catch (GrammarException e)
        {
            throw new SchemaException($"the compiled grammar is not usable ({e.Detail}); schema {(schema.Length <= 80 ? schema : schema[..77] + "...")}", e);
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
