// POST /v1/embeddings on a real server: the official OpenAI SDK gets the golden MiniLM vectors (the same the Embedder
// gives in-process), base64 and float agree, /v1/models lists the model, and evidence records the call without its text.
using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;
using Strata.Engine.Embeddings;
using Strata.Engine.Tests.Embeddings;
using Strata.OnnxRuntime;

namespace Strata.Serving.Tests.Embeddings;

public sealed class EmbeddingsEndpointTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    private EmbeddingClient Sdk(string key = EmbeddingServerFixture.KeyA) => new(EmbeddingServerFixture.Model, new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.BaseUri, "/v1") });

    [Fact]
    public async Task Sdk_GenerateEmbedding_OneText_TheGoldenVector()
    {
        MiniLmGoldenCase golden = MiniLmGolden.Cases()[0];

        OpenAIEmbedding embedding = (await Sdk().GenerateEmbeddingAsync(golden.Text)).Value;

        AssertGolden(golden.Embedding, embedding.ToFloats().ToArray(), golden.Text);
        Assert.Equal(0, embedding.Index);
    }

    [Fact]
    public async Task Sdk_GenerateEmbeddings_GoldenTexts_InOrderWithUsage_AsTheEmbedderInProcess()
    {
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();
        string[] texts = [.. cases.Select(c => c.Text)];
        using Embedder embedder = EmbeddingModels.Open(MiniLmGolden.ModelPath, MiniLmGolden.VocabularyPath, threads: 2);
        EmbeddingResult direct = embedder.Embed(texts);

        OpenAIEmbeddingCollection collection = (await Sdk().GenerateEmbeddingsAsync(texts)).Value;

        Assert.Equal(cases.Count, collection.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            float[] served = collection[i].ToFloats().ToArray();
            Assert.Equal(i, collection[i].Index);
            AssertGolden(cases[i].Embedding, served, cases[i].Text);
            Assert.True(EmbeddingSimilarity.MaxAbsDifference(direct.Embeddings[i], served) <= 1e-6f, $"{cases[i].Text}: served differs from in-process");
        }

        Assert.Equal(EmbeddingServerFixture.Model, collection.Model);
        Assert.Equal(direct.PromptTokens, collection.Usage.InputTokenCount);
        Assert.Equal(direct.PromptTokens, collection.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Http_FloatAndBase64_SameVectorsLittleEndian()
    {
        using var client = fixture.Client();
        string text = MiniLmGolden.Cases()[1].Text;

        using var floats = await PostAsync(client, new { model = EmbeddingServerFixture.Model, input = text, encoding_format = "float" });
        using var base64 = await PostAsync(client, new { model = EmbeddingServerFixture.Model, input = new[] { text }, encoding_format = "base64" });

        float[] fromFloats = [.. floats.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
        byte[] bytes = base64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetBytesFromBase64();
        float[] fromBase64 = [.. Enumerable.Range(0, bytes.Length / 4).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))];
        Assert.Equal(fromFloats, fromBase64);
        Assert.Equal("list", floats.RootElement.GetProperty("object").GetString());
        Assert.Equal("embedding", floats.RootElement.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.Equal(MiniLmGolden.Cases()[1].InputIds.Length, floats.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_ListsTheEmbeddingModelForTenantsThatMayUseIt()
    {
        using var alpha = fixture.Client();
        using var beta = fixture.Client(EmbeddingServerFixture.KeyB);

        using var a = JsonDocument.Parse(await alpha.GetStringAsync("/v1/models"));
        using var b = JsonDocument.Parse(await beta.GetStringAsync("/v1/models"));

        var minilm = a.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == EmbeddingServerFixture.Model);
        Assert.Equal("embedding", minilm.GetProperty("strata_kind").GetString());
        Assert.Equal(384, minilm.GetProperty("dimensions").GetInt32());
        Assert.Equal(512, minilm.GetProperty("context_length").GetInt32());
        Assert.DoesNotContain(b.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == EmbeddingServerFixture.Model);
    }

    [Fact]
    public async Task Evidence_RecordsRuntimeInputsAndTokens_AsHashesNotText()
    {
        using var client = fixture.Client();
        string secret = "a sentence that must not appear in the evidence";
        using var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = EmbeddingServerFixture.Model, input = new[] { secret, "second" } });
        response.EnsureSuccessStatusCode();
        string trace = response.Headers.GetValues("X-Strata-Trace-Id").Single();

        string evidence = await client.GetStringAsync($"/v1/strata/evidence/{trace}");

        Assert.DoesNotContain(secret, evidence, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(evidence);
        var embedding = doc.RootElement.GetProperty("embedding");
        Assert.StartsWith("strata compiled ", embedding.GetProperty("runtime").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, embedding.GetProperty("inputs").GetInt32());
        Assert.Equal(384, embedding.GetProperty("dimensions").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", embedding.GetProperty("inputs_sha256").GetString());
        var serving = doc.RootElement.GetProperty("serving");
        Assert.Equal("/v1/embeddings", serving.GetProperty("endpoint").GetString());
        Assert.Equal("alpha", serving.GetProperty("tenant").GetString());
        Assert.Equal(embedding.GetProperty("prompt_tokens").GetInt32(), serving.GetProperty("prompt_tokens").GetInt32());
    }

    private static async Task<JsonDocument> PostAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/embeddings", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }

    private static void AssertGolden(float[] expected, float[] actual, string what)
    {
        Assert.True(EmbeddingSimilarity.Cosine(expected, actual) >= 0.99999f, $"{what}: cosine {EmbeddingSimilarity.Cosine(expected, actual)}");
        Assert.True(EmbeddingSimilarity.MaxAbsDifference(expected, actual) <= 1e-4f, $"{what}: max abs {EmbeddingSimilarity.MaxAbsDifference(expected, actual)}");
    }
}
