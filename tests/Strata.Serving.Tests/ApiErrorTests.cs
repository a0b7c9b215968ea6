// Bad input gets the right 4xx in OpenAI's error shape, naming the problem, and the server keeps serving.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Serving.Tests;

public sealed class ApiErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Error, HttpResponseMessage Reply)> Post(string path, string body, string? key = ServerFixture.KeyA)
    {
        using var http = fixture.Client(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = body.Length > 65536; // as curl does: a refused large body is never sent
        var reply = await http.SendAsync(request);
        string text = await reply.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return (reply.StatusCode, doc.RootElement.GetProperty("error").Clone(), reply);
    }

    [Theory]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 4", 400, null, "invalid_json")]
    [InlineData("/v1/completions", "[1, 2]", 400, null, null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": \"four\"}", 400, "max_tokens", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": -1}", 400, "max_tokens", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 0}", 400, "max_tokens", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 2147483647}", 400, "max_tokens", "context_length_exceeded")]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_completion_tokens\": 1.5}", 400, "max_completion_tokens", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"temperature\": \"hot\"}", 400, "temperature", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"temperature\": 9}", 400, "temperature", null)]
    [InlineData("/v1/completions", "{\"prompt\": 42}", 400, "prompt", null)]
    [InlineData("/v1/completions", "{\"max_tokens\": 3}", 400, "prompt", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"n\": 2}", 400, "n", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"frobnicate\": true}", 400, "frobnicate", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"model\": \"gpt-9\"}", 404, "model", "model_not_found")]
    [InlineData("/v1/completions", "{\"prompt\": [99999]}", 400, "prompt", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400, "stop", null)]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"stream\": false, \"stream_options\": {\"include_usage\": true}}", 400, "stream_options", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": []}", 400, "messages", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", 400, "messages[0].role", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": 7}]}", 400, "messages[0].content", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_schema\"}}", 400, "response_format.json_schema", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"xml\"}}", 400, "response_format.type", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{}]}", 400, "tools[0].type", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}]}", 400, "tools[0].function.name", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}}", 400, "tool_choice.function.name", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tool_choice\": \"required\"}", 400, "tool_choice", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tool_choice\": \"sometimes\"}", 400, "tool_choice", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"tool\", \"content\": \"12\"}]}", 400, "messages[0].tool_call_id", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"tool_calls\": []}]}", 400, "messages[0].tool_calls", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"functions\": []}", 400, "functions", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_k\": -1}", 400, "top_k", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"min_p\": 2}", 400, "min_p", null)]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}", 400, "top_logprobs", null)]
    public async Task BadRequests_GetTheRightStatus_NamingTheField(string path, string body, int status, string? param, string? code)
    {
        var (actual, error, reply) = await Post(path, body);
        Assert.Equal(status, (int)actual);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.Contains(param.Split('.')[0].Split('[')[0], error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        }

        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }

        Assert.True(reply.Headers.Contains("X-Strata-Trace-Id"));
        await StillServes();
    }

    [Fact]
    public async Task PromptOverTheContext_Is400ContextLengthExceeded_NotTruncated()
    {
        string prompt = string.Concat(Enumerable.Repeat("Once upon a time there was a dog. ", 200));
        var (status, error, _) = await Post("/v1/completions", JsonSerializer.Serialize(new { prompt, max_tokens = 8 }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("512", error.GetProperty("message").GetString()!, StringComparison.Ordinal);

        // Fits alone, but not with the tokens asked for.
        var (status2, error2, _) = await Post("/v1/completions", JsonSerializer.Serialize(new { prompt = "Once upon a time", max_tokens = 600 }));
        Assert.Equal(HttpStatusCode.BadRequest, status2);
        Assert.Equal("max_tokens", error2.GetProperty("param").GetString());
        await StillServes();
    }

    [Fact]
    public async Task TenMegabyteBody_Is413()
    {
        string body = "{\"prompt\": \"" + new string('a', 10 << 20) + "\"}";
        var (status, error, _) = await Post("/v1/completions", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        await StillServes();
    }

    [Fact]
    public async Task MissingOrWrongKey_Is401()
    {
        var (status, error, _) = await Post("/v1/completions", "{\"prompt\": \"hi\"}", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("missing_api_key", error.GetProperty("code").GetString());
        var (status2, error2, _) = await Post("/v1/completions", "{\"prompt\": \"hi\"}", key: "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, status2);
        Assert.Equal("invalid_api_key", error2.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Is404Json_AndDeadlineHeaderIsChecked()
    {
        using var http = fixture.Client();
        var reply = await http.GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
        Assert.Contains("\"error\"", await reply.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent.Create(new { prompt = "hi" }) };
        request.Headers.Add("X-Strata-Deadline-Ms", "soon");
        var bad = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("X-Strata-Deadline-Ms", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fuzzed_Bodies_NeverGet5xx()
    {
        string[] seeds =
        [
            "{\"prompt\": \"Once upon\", \"max_tokens\": 2, \"temperature\": 0, \"stop\": [\"x\"], \"logprobs\": 2, \"seed\": 3}",
            "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi\"}]}], \"max_completion_tokens\": 2, \"top_p\": 0.5}",
        ];
        var random = new Random(1234);
        using var http = fixture.Client();
        for (int i = 0; i < 300; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(seeds[i % 2]);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(bytes.Length);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes = bytes[..at];
                        break;
                    default:
                        bytes = [.. bytes[..at], .. "\"n\":1,[]{}-0.5e9"u8.ToArray()[random.Next(16)..], .. bytes[at..]];
                        break;
                }

                if (bytes.Length == 0)
                {
                    bytes = "{"u8.ToArray();
                }
            }

            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var reply = await http.PostAsync(i % 2 == 0 ? "/v1/completions" : "/v1/chat/completions", content);
            Assert.True((int)reply.StatusCode < 500, $"{(int)reply.StatusCode} for {Encoding.UTF8.GetString(bytes)}: {await reply.Content.ReadAsStringAsync()}");
        }

        await StillServes();
    }

    private async Task StillServes()
    {
        using var http = fixture.Client();
        var reply = await http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 3, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
    }
}
