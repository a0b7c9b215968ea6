// Fuzzing the schema compiler: mutated schemas only ever compile (to grammars that still run) or throw SchemaException.
using System.Text.Json.Nodes;
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class SchemaFuzzTests
{
    private static readonly string[] Keywords =
    [
        "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems", "enum", "const",
        "anyOf", "oneOf", "allOf", "$ref", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "not",
    ];

    private static readonly string[] Values =
    [
        "\"string\"", "\"object\"", "\"integer\"", "[\"number\",\"null\"]", "5", "-3", "0.5", "true", "false", "null", "[]", "{}",
        "[{\"type\":\"boolean\"},{\"const\":1}]", "\"#/$defs/x\"", "\"#\"", "\"^[a-z]+$\"", "\"(\"", "\"date\"", "[\"a\"]",
        "{\"a\":{\"type\":\"integer\"}}", "99999", "\"bogus\"",
    ];

    [Fact]
    public void Compile_MutatedSchemas_OnlyCompileOrThrowSchemaException()
    {
        var schemas = new RandomSchemas(777);
        var random = new Random(777);
        int compiled = 0;
        int refused = 0;
        for (int i = 0; i < 400; i++)
        {
            var root = JsonNode.Parse(schemas.Next())!.AsObject();
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                var target = PickObject(root, random);
                string keyword = Keywords[random.Next(Keywords.Length)];
                if (random.Next(3) == 0)
                {
                    target.Remove(keyword);
                }
                else
                {
                    target[keyword] = JsonNode.Parse(Values[random.Next(Values.Length)]);
                }
            }

            try
            {
                var grammar = JsonSchemaGrammar.Compile(root.ToJsonString());
                SchemaSoundnessTests.Walk(grammar, random, 200);
                compiled++;
            }
            catch (SchemaException e)
            {
                Assert.StartsWith("#", e.Pointer, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal(400, compiled + refused);
        Assert.InRange(compiled, 1, 399);
    }

    // A random object node of the schema tree (the root when it has no object children).
    private static JsonObject PickObject(JsonObject root, Random random)
    {
        var all = new List<JsonObject>();
        Collect(root, all);
        return all[random.Next(all.Count)];
    }

    private static void Collect(JsonNode? node, List<JsonObject> all)
    {
        if (node is JsonObject o)
        {
            all.Add(o);
            foreach (var (_, child) in o)
            {
                Collect(child, all);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Collect(child, all);
            }
        }
    }
}
