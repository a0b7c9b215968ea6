// The embeddings harness against golden/all-MiniLM-L6-v2.ort.json: our tokenization and pooling around ONNX
// Runtime reproduce the golden; Strata's own executable will be held to the same checks.
using Strata.Engine.Embeddings;
using Strata.OnnxRuntime;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Embeddings;

public sealed class MiniLmGoldenTests(ITestOutputHelper output)
{
    private const float MinCosine = 0.99999f;
    private const float MaxAbsDifference = 1e-4f;

    [Fact]
    public void OnnxRuntime_GoldenSentencesOneByOne_HiddenStatesAndEmbeddingsMatch()
    {
        BertInputBuilder builder = BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath);
        using OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.Open(MiniLmGolden.ModelPath, intraOpThreads: 2);
        Assert.Equal(384, encoder.HiddenSize);

        foreach (MiniLmGoldenCase golden in MiniLmGolden.Cases())
        {
            BertInput input = builder.Build([golden.Text]);
            Assert.Equal(golden.InputIds, input.InputIds);

            float[] hidden = encoder.Run(Feeds(input)); // (1, tokens, 384)
            AssertClose(golden.Token0First8, hidden.AsSpan(0, 8), golden.Text + ", token 0");
            AssertClose(golden.Token1First8, hidden.AsSpan(384, 8), golden.Text + ", token 1");

            var embedding = new float[384];
            SentencePooling.Embed(hidden, input.AttentionMask, embedding, 384);
            AssertClose(golden.Embedding, embedding, golden.Text + ", embedding");
        }
    }

    [Fact]
    public void OnnxRuntime_GoldenSentencesAsOnePaddedBatch_EmbeddingsMatch()
    {
        BertInputBuilder builder = BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath);
        using OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.Open(MiniLmGolden.ModelPath, intraOpThreads: 2);
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();

        BertInput input = builder.Build([.. cases.Select(c => c.Text)]);
        float[] hidden = encoder.Run(Feeds(input));
        var embeddings = new float[cases.Count * 384];
        SentencePooling.Embed(hidden, input.AttentionMask, embeddings, 384);

        for (int row = 0; row < cases.Count; row++)
        {
            AssertClose(cases[row].Embedding, embeddings.AsSpan(row * 384, 384), cases[row].Text + ", padded batch");
        }
    }

    [Fact]
    public void Open_ModelMissing_NamesThePath()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxRuntimeEncoder.Open("/nonexistent/model.onnx", 1));

        Assert.Contains("/nonexistent/model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FeedsOfWrongLength_Rejected()
    {
        using OnnxRuntimeEncoder encoder = OnnxRuntimeEncoder.Open(MiniLmGolden.ModelPath, intraOpThreads: 1);
        var feeds = new EncoderFeeds(new long[6], new long[6], new long[5], BatchSize: 2, SequenceLength: 3);

        var error = Assert.Throws<ArgumentException>(() => encoder.Run(feeds));

        Assert.Contains("token_type_ids 5", error.Message, StringComparison.Ordinal);
    }

    private static EncoderFeeds Feeds(BertInput input) =>
        new(input.InputIds, input.AttentionMask, input.TokenTypeIds, input.BatchSize, input.SequenceLength);

    private void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        float cosine = EmbeddingSimilarity.Cosine(expected, actual);
        float maxDifference = EmbeddingSimilarity.MaxAbsDifference(expected, actual);
        output.WriteLine($"{what}: cosine {cosine:R}, max abs difference {maxDifference:R}");
        Assert.True(cosine >= MinCosine, $"{what}: cosine {cosine} < {MinCosine}");
        Assert.True(maxDifference <= MaxAbsDifference, $"{what}: max abs difference {maxDifference} > {MaxAbsDifference}");
    }
}
