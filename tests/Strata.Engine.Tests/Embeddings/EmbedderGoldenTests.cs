// The Embedder (tokenize, chunk, encode, pool) and StrataEmbeddingGenerator over ONNX Runtime reproduce
// golden/all-MiniLM-L6-v2.ort.json, alone, in one padded batch, in chunks and from concurrent callers.
using Microsoft.Extensions.AI;
using Strata.Engine.Embeddings;
using Strata.OnnxRuntime;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Embeddings;

public sealed class EmbedderGoldenTests(ITestOutputHelper output)
{
    private const float MinCosine = 0.99999f;
    private const float MaxAbsDifference = 1e-4f;

    private static Embedder Open() => EmbeddingModels.Open(MiniLmGolden.ModelPath, MiniLmGolden.VocabularyPath, threads: 2);

    [Fact]
    public void Embed_GoldenSentencesOneByOne_MatchTheGolden()
    {
        using Embedder embedder = Open();
        Assert.Equal(384, embedder.Dimensions);
        Assert.Equal(512, embedder.MaxTokens);
        Assert.StartsWith("strata compiled ", embedder.Runtime, StringComparison.Ordinal);

        foreach (MiniLmGoldenCase golden in MiniLmGolden.Cases())
        {
            EmbeddingResult result = embedder.Embed([golden.Text]);

            AssertClose(golden.Embedding, result.Embeddings[0], golden.Text);
            Assert.Equal(golden.InputIds.Length, result.TokenCounts[0]);
            Assert.Empty(result.TruncatedInputs);
        }
    }

    [Fact]
    public void Embed_StrataAndOnnxRuntime_GiveTheSameVectors()
    {
        using Embedder strata = Open();
        using Embedder onnxRuntime = EmbeddingModels.Open(MiniLmGolden.ModelPath, MiniLmGolden.VocabularyPath, threads: 2, EmbeddingRuntime.OnnxRuntime);
        Assert.StartsWith("onnxruntime ", onnxRuntime.Runtime, StringComparison.Ordinal);
        string[] texts = [.. MiniLmGolden.Cases().Select(c => c.Text), "a much longer text, so that the batch is padded and chunks differ in length"];
        var a = strata.Embed(texts).Embeddings;
        var b = onnxRuntime.Embed(texts).Embeddings;
        for (int i = 0; i < texts.Length; i++)
        {
            float diff = EmbeddingSimilarity.MaxAbsDifference(a[i], b[i]);
            output.WriteLine($"{texts[i]}: max abs difference {diff:E2}");
            Assert.True(diff <= 1e-5f, $"text {i} differs by {diff}");
        }
    }

    [Fact]
    public void Embed_GoldenSentencesInOneCall_OnePaddedBatchInInputOrder()
    {
        using Embedder embedder = Open();
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();

        EmbeddingResult result = embedder.Embed([.. cases.Select(c => c.Text)]);

        Assert.Equal(cases.Count, result.Embeddings.Length);
        for (int i = 0; i < cases.Count; i++)
        {
            AssertClose(cases[i].Embedding, result.Embeddings[i], cases[i].Text + ", padded batch");
            Assert.Equal(cases[i].InputIds.Length, result.TokenCounts[i]);
        }

        Assert.Equal(cases.Sum(c => c.InputIds.Length), result.PromptTokens);
    }

    [Fact]
    public void Embed_MoreTextsThanOneEncoderCall_ChunkedAndInInputOrder()
    {
        using Embedder embedder = Open();
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();
        int count = (2 * Embedder.MaxTextsPerEncode) + 5;
        string[] texts = [.. Enumerable.Range(0, count).Select(i => cases[(i * 7) % cases.Count].Text)];

        EmbeddingResult result = embedder.Embed(texts);

        Assert.Equal(count, result.Embeddings.Length);
        for (int i = 0; i < count; i++)
        {
            MiniLmGoldenCase golden = cases[(i * 7) % cases.Count];
            AssertClose(golden.Embedding, result.Embeddings[i], $"text {i}");
            Assert.Equal(golden.InputIds.Length, result.TokenCounts[i]);
        }
    }

    [Fact]
    public void Embed_TextLongerThanTheModel_TruncatedToMaxTokensAndReported()
    {
        using Embedder embedder = Open();
        string longText = string.Join(' ', Enumerable.Repeat("strata embeds sentences", 300));

        EmbeddingResult result = embedder.Embed(["short one", longText]);

        Assert.Equal([1], result.TruncatedInputs);
        Assert.Equal(512, result.TokenCounts[1]);
        Assert.Equal(result.TokenCounts[0] + 512, embedder.CountTokens(["short one", longText]));
        Assert.Equal(1f, MathF.Sqrt(result.Embeddings[1].Sum(x => x * x)), 4);
    }

    [Fact]
    public void Embed_NoTextOrAnEmptyOne_RejectedNamingIt()
    {
        using Embedder embedder = Open();

        var none = Assert.Throws<ArgumentException>(() => embedder.Embed([]));
        var empty = Assert.Throws<ArgumentException>(() => embedder.Embed(["fine", ""]));

        Assert.Contains("at least one", none.Message, StringComparison.Ordinal);
        Assert.Contains("Text 1 is empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_ConcurrentCallers_EachGetsItsOwnGoldenVectors()
    {
        using Embedder embedder = Open();
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();

        EmbeddingResult[] results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => embedder.EmbedAsync([cases[i % cases.Count].Text])));

        for (int i = 0; i < results.Length; i++)
        {
            AssertClose(cases[i % cases.Count].Embedding, results[i].Embeddings[0], $"caller {i}");
        }
    }

    [Fact]
    public async Task Generator_GoldenSentences_SameVectorsAsTheEmbedderWithUsageAndMetadata()
    {
        using Embedder embedder = Open();
        using var generator = new StrataEmbeddingGenerator(embedder, "all-MiniLM-L6-v2");
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();

        GeneratedEmbeddings<Embedding<float>> generated = await generator.GenerateAsync(cases.Select(c => c.Text));
        EmbeddingResult direct = embedder.Embed([.. cases.Select(c => c.Text)]);

        Assert.Equal(cases.Count, generated.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            AssertClose(cases[i].Embedding, generated[i].Vector.Span, cases[i].Text + ", generator");
            Assert.Equal(direct.Embeddings[i], generated[i].Vector.ToArray());
            Assert.Equal("all-MiniLM-L6-v2", generated[i].ModelId);
        }

        Assert.Equal(direct.PromptTokens, generated.Usage?.InputTokenCount);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("strata", metadata?.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata?.DefaultModelId);
        Assert.Equal(384, metadata?.DefaultModelDimensions);
        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 128 }));
    }

    [Fact]
    public void Open_NotAnOnnxModel_InvalidDataNamingTheFile()
    {
        string notAModel = Path.Combine(Path.GetTempPath(), $"strata-not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(notAModel, "this is not protobuf");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => EmbeddingModels.Open(notAModel, MiniLmGolden.VocabularyPath, threads: 1));
            Assert.Contains(notAModel, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAModel);
        }
    }

    private void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        float cosine = EmbeddingSimilarity.Cosine(expected, actual);
        float maxDifference = EmbeddingSimilarity.MaxAbsDifference(expected, actual);
        output.WriteLine($"{what}: cosine {cosine:R}, max abs difference {maxDifference:R}");
        Assert.True(cosine >= MinCosine, $"{what}: cosine {cosine} < {MinCosine}");
        Assert.True(maxDifference <= MaxAbsDifference, $"{what}: max abs difference {maxDifference} > {MaxAbsDifference}");
    }
}
