// POST /v1/embeddings refuses what it cannot serve in OpenAI's error shape: the status, the field and a message that says why.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Serving.Tests.Embeddings;

public sealed class EmbeddingsErrorTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    public static TheoryData<string, int, string?, string> Refusals => new()
    {
        { """{"model":"nope","input":"x"}""", 404, "model", "does not exist" },
        { """{"model":"stories","input":"x"}""", 400, "model", "is a generation model: it does not produce embeddings" },
        { """{"model":"minilm","input":""}""", 400, "input", "'input' must not be empty" },
        { """{"model":"minilm","input":[]}""", 400, "input", "empty array" },
        { """{"model":"minilm","input":["fine",""]}""", 400, "input[1]", "'input[1]' must not be empty" },
        { """{"model":"minilm","input":[1,2,3]}""", 400, "input", "token-id input is not supported" },
        { """{"model":"minilm"}""", 400, "input", "'input' is required" },
        { """{"model":"minilm","input":"x","dimensions":128}""", 400, "dimensions", "gives 384" },
        { """{"model":"minilm","input":"x","encoding_format":"int8"}""", 400, "encoding_format", "\"float\" or \"base64\"" },
        { """{"model":"minilm","input":"x","temperature":1}""", 400, "temperature", "unknown field" },
        { """{"model":"minilm","input":"x",""", 400, null, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Post_BadRequest_RefusedWithStatusFieldAndMessage(string body, int status, string? param, string message)
    {
        using var client = fixture.Client();

        using var response = await client.PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertError(response, status, param, message);
    }

    [Fact]
    public async Task Post_MoreThan2048Inputs_Refused()
    {
        using var client = fixture.Client();

        using var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = Enumerable.Repeat("x", 2049).ToArray() });

        await AssertError(response, 400, "input", "holds 2049 items; at most 2048");
    }

    [Fact]
    public async Task ChatCompletion_OnTheEmbeddingModel_RefusedNamingTheEndpoint()
    {
        using var client = fixture.Client();

        using var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "minilm", messages = new[] { new { role = "user", content = "hi" } } });

        await AssertError(response, 400, "model", "is an embedding model: it serves POST /v1/embeddings");
    }

    [Fact]
    public async Task Post_TenantWithoutAccessOrNoKey_404And401()
    {
        using var beta = fixture.Client(EmbeddingServerFixture.KeyB);
        using var anonymous = fixture.Client(key: null);

        using var denied = await beta.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = "x" });
        using var unauthenticated = await anonymous.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = "x" });

        await AssertError(denied, 404, "model", "does not exist or you do not have access");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private static async Task AssertError(HttpResponseMessage response, int status, string? param, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        var error = doc.RootElement.GetProperty("error");
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }
}
