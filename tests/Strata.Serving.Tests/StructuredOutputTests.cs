// response_format and tools over HTTP: concurrent schema-constrained answers batched together, each validated by
// JsonSchema.Net; schema errors refused before generation; a model's own template and its Hermes tool calls.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Engine.Grammar;
using Strata.Engine.Tests.Chat;
using Strata.Engine.Tests.Grammar;

namespace Strata.Serving.Tests;

public sealed class StructuredOutputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static JsonObject Chat(string user, JsonNode? responseFormat, int maxTokens, float temperature, int seed) => new()
    {
        ["model"] = ServerFixture.Model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = user }),
        ["max_tokens"] = maxTokens,
        ["temperature"] = temperature,
        ["seed"] = seed,
        ["response_format"] = responseFormat,
    };

    private static JsonObject SchemaFormat(string schema) => new()
    {
        ["type"] = "json_schema",
        ["json_schema"] = new JsonObject { ["name"] = "answer", ["strict"] = true, ["schema"] = JsonNode.Parse(schema) },
    };

    [Fact]
    public async Task JsonSchema_SixteenConcurrentRequests_EachAnswerValidatesAgainstItsOwnSchema()
    {
        var schemas = new RandomSchemas(2026);
        using var client = fixture.Client();
        var calls = new List<(string Schema, Task<HttpResponseMessage> Reply)>();
        for (int i = 0; i < 16; i++)
        {
            string schema = schemas.Next();
            var body = Chat("Give me the record.", SchemaFormat(schema), 400, i % 2 == 0 ? 0f : 1.2f, i + 1);
            calls.Add((schema, client.PostAsJsonAsync("/v1/chat/completions", body)));
        }

        foreach (var (schema, reply) in calls)
        {
            using var response = await reply;
            string raw = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
            using var doc = JsonDocument.Parse(raw);
            var choice = doc.RootElement.GetProperty("choices")[0];
            Assert.Equal("grammar_complete", choice.GetProperty("strata_stop_reason").GetString());
            Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
            string text = choice.GetProperty("message").GetProperty("content").GetString()!;
            Assert.Null(SchemaValidator.Check(schema, text));
        }
    }

    [Fact]
    public async Task JsonObject_AnswerIsOneJsonObject_AndEvidenceNamesTheGrammar()
    {
        using var client = fixture.Client();
        var body = Chat("Say something.", new JsonObject { ["type"] = "json_object" }, 400, 0f, 1);
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body);
        string raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        using var doc = JsonDocument.Parse(raw);
        var choice = doc.RootElement.GetProperty("choices")[0];
        string text = choice.GetProperty("message").GetProperty("content").GetString()!;
        string stop = choice.GetProperty("strata_stop_reason").GetString()!;

        // stories260K may write one string until the token limit: every byte must still be one a JSON object allows,
        // checked by the grammar of any object over single bytes (not by the server's matcher); a complete answer parses.
        var bytes = new byte[256][];
        for (int b = 0; b < bytes.Length; b++)
        {
            bytes[b] = [(byte)b];
        }

        var matcher = new GrammarMatcher(TokenGrammar.For(Grammar.FromJsonSchema("{\"type\":\"object\"}"), TokenTrie.FromPieces(bytes, [])));
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            Assert.True(matcher.TryAccept(b), $"byte {b} of '{text}' leaves the JSON object grammar");
        }

        Assert.True(stop is "grammar_complete" or "max_tokens", stop);
        Assert.Equal(stop == "grammar_complete", matcher.IsAccepting);
        if (stop == "grammar_complete")
        {
            using var answer = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, answer.RootElement.ValueKind);
        }

        string trace = response.Headers.GetValues("X-Strata-Trace-Id").Single();
        using var evidence = JsonDocument.Parse(await client.GetStringAsync($"/v1/strata/evidence/{trace}"));
        Assert.Equal(64, evidence.RootElement.GetProperty("engine").GetProperty("grammar_sha256").GetString()!.Length);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":5,"maxLength":2}}}""", "#/properties/a")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","multipleOf":3}}}""", "#/properties/n")]
    [InlineData("""{"type":"object","properties":{"r":{"$ref":"#/$defs/missing"}}}""", "#/properties/r")]
    public async Task UnenforceableSchema_Is400NamingThePointer_BeforeAnyToken(string schema, string pointer)
    {
        using var client = fixture.Client();
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", Chat("hi", SchemaFormat(schema), 16, 0f, 1));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Equal("invalid_schema", error.GetProperty("code").GetString());
        Assert.Contains(pointer, error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qwen3Template_RequiredToolCall_IsAHermesBlockParsedIntoToolCalls_StreamedAlike()
    {
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "qwen", Path = TemplateModels.Qwen3 }], "127.0.0.1", 0,
            ServerFixture.Config());
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls[0]) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ServerFixture.KeyA);
        var body = new JsonObject
        {
            ["model"] = "qwen",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is the weather in Oslo?" }),
            ["max_tokens"] = 200,
            ["temperature"] = 0,
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string","maxLength":10}},"required":["city"]}}}]"""),
            ["tool_choice"] = "required",
            ["parallel_tool_calls"] = false,
        };

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body);
        string raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        using var doc = JsonDocument.Parse(raw);
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        string arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        Assert.Null(SchemaValidator.Check("""{"type":"object","properties":{"city":{"type":"string","maxLength":10}},"required":["city"]}""", arguments));

        body["stream"] = true;
        using var streamed = await client.PostAsJsonAsync("/v1/chat/completions", body);
        string events = await streamed.Content.ReadAsStringAsync();
        Assert.Contains("\"tool_calls\":[{\"index\":0", events, StringComparison.Ordinal);
        Assert.Contains(JsonSerializer.Serialize(arguments), events, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"tool_calls\"", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateThatRaises_Is400WithItsMessage_AndStillServes()
    {
        const string template = "{% for m in messages %}{% if m.tool_calls is defined and m.tool_calls | length > 1 %}"
            + "{{ raise_exception('one tool call per turn, please') }}{% endif %}{{ m.role }}: {{ m.content }}\n{% endfor %}assistant:";
        string model = TemplateModels.WithTemplate("raising", template);
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "raising", Path = model }], "127.0.0.1", 0, ServerFixture.Config());
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls[0]) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ServerFixture.KeyA);
        var calls = JsonNode.Parse("""[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]""");
        var body = new JsonObject
        {
            ["model"] = "raising",
            ["max_tokens"] = 4,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "hi" },
                new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = calls },
                new JsonObject { ["role"] = "user", ["content"] = "and?" }),
        };

        using var refused = await client.PostAsJsonAsync("/v1/chat/completions", body);
        using var doc = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("chat_template_error", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("one tool call per turn, please", doc.RootElement.GetProperty("error").GetProperty("message").GetString()!, StringComparison.Ordinal);

        body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" });
        using var served = await client.PostAsJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
