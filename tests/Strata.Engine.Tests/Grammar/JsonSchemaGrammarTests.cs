// JSON Schema compilation: llama.cpp's schema cases, strict semantics where we differ, and errors at JSON pointers.
using Strata.Engine.Grammar;

namespace Strata.Engine.Tests.Grammar;

public sealed class JsonSchemaGrammarTests
{
    private static readonly JsonSchemaGrammarOptions Flexible = new() { Whitespace = JsonWhitespace.Flexible };

    // llama.cpp cases whose schema we refuse on purpose: compiling it as llama.cpp does could generate invalid values.
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["required props"] = "uniqueItems: llama.cpp ignores it, so its arrays may repeat an item and fail validation",
    };

    public static TheoryData<LlamaCase> SchemaCases()
    {
        var data = new TheoryData<LlamaCase>();
        foreach (var c in GrammarTesting.LlamaCases("schema"))
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SchemaCases))]
    public void Compile_LlamaIntegrationSchemaCases_AcceptAndRejectAsLlamaCpp(LlamaCase c)
    {
        if (Refused.ContainsKey(c.Description))
        {
            Assert.Throws<SchemaException>(() => JsonSchemaGrammar.Compile(c.Source, Flexible));
            return;
        }

        var grammar = JsonSchemaGrammar.Compile(c.Source, Flexible);

        var wrong = new List<string>();
        foreach (string s in c.Accept)
        {
            if (!GrammarTesting.Matches(grammar, s))
            {
                wrong.Add("should accept " + s);
            }
        }

        foreach (string s in c.Reject)
        {
            if (GrammarTesting.Matches(grammar, s))
            {
                wrong.Add("should reject " + s);
            }
        }

        Assert.True(wrong.Count == 0, c.Description + ":\n" + string.Join("\n", wrong) + "\n" + grammar.Text);
    }

    [Theory]
    [InlineData("{\"type\":\"integer\",\"minimum\":5,\"maximum\":3}", "#/minimum", "unsatisfiable")]
    [InlineData("{\"type\":\"integer\",\"minimum\":0.2,\"maximum\":0.8}", "#/minimum", "no integer")]
    [InlineData("{\"properties\":{\"age\":{\"type\":\"integer\",\"multipleOf\":2}}}", "#/properties/age/multipleOf", "not supported")]
    [InlineData("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}", "#/minItems", "unsatisfiable")]
    [InlineData("{\"enum\":[]}", "#/enum", "unsatisfiable")]
    [InlineData("{\"type\":\"string\",\"enum\":[1,2]}", "#/enum", "unsatisfiable")]
    [InlineData("{\"type\":\"string\",\"pattern\":\"^(?=a)b$\"}", "#/pattern", "lookaround")]
    [InlineData("{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", "#/pattern", "not supported")]
    [InlineData("{\"$ref\":\"#/$defs/missing\"}", "#/$ref", "cannot resolve")]
    [InlineData("{\"$ref\":\"https://example.com/s.json\"}", "#/$ref", "local reference")]
    [InlineData("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "#/$defs/a/$ref", "refers back to itself")]
    [InlineData("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}", "#/oneOf/1", "may match the same values as #/oneOf/0")]
    [InlineData("{\"properties\":{\"a\":{\"type\":\"string\",\"format\":\"hostname\"}}}", "#/properties/a/format", "not supported")]
    [InlineData("{\"type\":\"bogus\"}", "#/type", "expected one of object")]
    [InlineData("{\"properties\":{\"x\":5}}", "#/properties/x", "expected a schema")]
    [InlineData("false", "#", "unsatisfiable")]
    [InlineData("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"z\"]}", "#/required/0", "unsatisfiable")]
    [InlineData("{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "#/allOf/1/type", "no type in common")]
    [InlineData("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "#/minLength", "unsatisfiable")]
    [InlineData("{\"type\":\"string\",\"minLength\":2,\"format\":\"date\"}", "#", "combining format")]
    [InlineData("{\"not\":{\"type\":\"null\"}}", "#/not", "not supported")]
    [InlineData("{\"type\":\"object\",\"properties\":{\"a\":{}},\"minProperties\":1}", "#/minProperties", "not supported")]
    [InlineData("{\"type\":\"array\",\"uniqueItems\":true}", "#/uniqueItems", "not supported")]
    [InlineData("{\"items\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"exclusiveMaximum\":\"9\"}}}}", "#/items/properties/n/exclusiveMaximum", "expected a number")]
    [InlineData("{\"type\": \"object\",", "#", "not valid JSON")]
    public void Compile_SchemaThatCannotBeCompiled_ThrowsAtItsJsonPointer(string schema, string pointer, string expected)
    {
        var e = Assert.Throws<SchemaException>(() => JsonSchemaGrammar.Compile(schema));

        Assert.Equal(pointer, e.Pointer);
        Assert.StartsWith(pointer + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JsonWhitespace.Compact, "{\"a\":1,\"b\":[true]}", "{\"a\": 1, \"b\": [true]}")]
    [InlineData(JsonWhitespace.Minimal, "{\"a\": 1, \"b\": [true]}", "{ \"a\":1,\"b\":[true]}")]
    [InlineData(JsonWhitespace.Flexible, "{\n  \"a\": 1,\n  \"b\": [ true ]\n}", "{\"a\":1,\"b\":[true]}\n")]
    public void Compile_WhitespacePolicy_AllowsOnlyItsSpaces(JsonWhitespace whitespace, string accepted, string rejected)
    {
        var grammar = JsonSchemaGrammar.Compile(
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"array\",\"items\":{\"type\":\"boolean\"}}},\"required\":[\"a\",\"b\"]}",
            new JsonSchemaGrammarOptions { Whitespace = whitespace });

        Assert.True(GrammarTesting.Matches(grammar, accepted));
        Assert.False(GrammarTesting.Matches(grammar, rejected));
    }

    [Fact]
    public void Compile_Properties_RequiredFirstThenOptionalInSchemaOrderNoOthers()
    {
        var grammar = JsonSchemaGrammar.Compile(
            "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"},\"c\":{\"type\":\"integer\"}},\"required\":[\"c\"]}",
            new JsonSchemaGrammarOptions { Whitespace = JsonWhitespace.Compact });

        Assert.True(GrammarTesting.Matches(grammar, "{\"c\":1}"));
        Assert.True(GrammarTesting.Matches(grammar, "{\"c\":1,\"a\":2,\"b\":3}"));
        Assert.True(GrammarTesting.Matches(grammar, "{\"c\":1,\"b\":3}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"a\":2,\"c\":1}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"c\":1,\"d\":3}"));
        Assert.False(GrammarTesting.Matches(grammar, "{}"));
    }

    [Fact]
    public void Compile_AdditionalPropertiesTrue_AllowsOtherKeysButNotDeclaredOnesAgain()
    {
        var grammar = JsonSchemaGrammar.Compile(
            "{\"properties\":{\"ab\":{\"type\":\"integer\"}},\"additionalProperties\":{\"type\":\"null\"}}",
            new JsonSchemaGrammarOptions { Whitespace = JsonWhitespace.Compact });

        Assert.True(GrammarTesting.Matches(grammar, "{\"ab\":1,\"a\":null,\"abc\":null}"));
        Assert.True(GrammarTesting.Matches(grammar, "{\"x_1\":null}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"ab\":1,\"ab\":null}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"ab\":1,\"x\":1}"));
    }

    [Fact]
    public void Compile_RecursiveRef_AcceptsNestedValues()
    {
        var grammar = JsonSchemaGrammar.Compile(
            "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"null\"}]}},\"required\":[\"v\",\"next\"]}},\"$ref\":\"#/$defs/node\"}",
            new JsonSchemaGrammarOptions { Whitespace = JsonWhitespace.Compact });

        Assert.True(GrammarTesting.Matches(grammar, "{\"v\":1,\"next\":{\"v\":2,\"next\":null}}"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"v\":1,\"next\":{\"v\":2}}"));
    }

    [Fact]
    public void JsonObject_AcceptsAnyObjectOnly()
    {
        var grammar = Strata.Engine.Grammar.Grammar.JsonObject();

        Assert.True(GrammarTesting.Matches(grammar, "{\"a\": [1, {\"b\": null}], \"c\": \"\\u00e9\"}"));
        Assert.False(GrammarTesting.Matches(grammar, "[1]"));
        Assert.False(GrammarTesting.Matches(grammar, "{\"a\": 1} "));
    }

    [Fact]
    public void Compile_SameSchemaTwice_GivesTheSameHash()
    {
        const string Schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":-3,\"maximum\":250}}}";

        Assert.Equal(JsonSchemaGrammar.Compile(Schema).Sha256, JsonSchemaGrammar.Compile(Schema).Sha256);
        Assert.NotEqual(JsonSchemaGrammar.Compile(Schema).Sha256, JsonSchemaGrammar.Compile(Schema.Replace("250", "251", StringComparison.Ordinal)).Sha256);
    }
}
