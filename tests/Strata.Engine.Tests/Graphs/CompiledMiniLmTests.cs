// all-MiniLM-L6-v2 through Strata's graph compiler and runner, against ONNX Runtime's golden (golden/all-MiniLM-L6-v2.ort.json):
// embeddings within cosine ≥ 0.99999 and max abs ≤ 1e-4, and the first values of last_hidden_state likewise; the compile log
// shows the fusions and an arena peak at most half the naive sum.
using Strata.Compiler;
using Strata.Engine.Embeddings;
using Strata.Engine.Tests.Embeddings;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Graphs;

public sealed class CompiledMiniLmTests(ITestOutputHelper output)
{
    private static CompiledSentenceEncoder Open() => CompiledSentenceEncoder.OpenOnnx(MiniLmGolden.ModelPath, threads: 2, foreign: null, allowFallback: false);

    [Fact]
    public void GoldenSentences_MatchOnnxRuntime_EmbeddingsAndHiddenStates()
    {
        using var encoder = Open();
        var builder = BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath);
        foreach (var golden in MiniLmGolden.Cases())
        {
            var input = builder.Build([golden.Text]);
            Assert.Equal(golden.InputIds, input.InputIds);
            var hidden = new float[input.SequenceLength * encoder.HiddenSize];
            encoder.Encode(input, hidden);
            float tokens = Math.Max(EmbeddingSimilarity.MaxAbsDifference(hidden.AsSpan(0, 8), golden.Token0First8),
                EmbeddingSimilarity.MaxAbsDifference(hidden.AsSpan(encoder.HiddenSize, 8), golden.Token1First8));
            var embedding = new float[encoder.HiddenSize];
            SentencePooling.Embed(hidden, input.AttentionMask, embedding, encoder.HiddenSize);
            float cosine = EmbeddingSimilarity.Cosine(embedding, golden.Embedding);
            float maxAbs = EmbeddingSimilarity.MaxAbsDifference(embedding, golden.Embedding);
            output.WriteLine($"{golden.Text}: cosine {cosine:F8}, max abs {maxAbs:E2}, hidden first values max abs {tokens:E2}");
            Assert.True(cosine >= 0.99999f, $"cosine {cosine}");
            Assert.True(maxAbs <= 1e-4f, $"max abs {maxAbs}");
            Assert.True(tokens <= 1e-4f, $"last_hidden_state first values differ by {tokens}");
        }
    }

    [Fact]
    public void GoldenSentences_ThroughTheEmbedderInOnePaddedBatch_MatchOnnxRuntime()
    {
        using var embedder = new Embedder(BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath), Open());
        var cases = MiniLmGolden.Cases();
        var result = embedder.Embed([.. cases.Select(c => c.Text)], CancellationToken.None);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.True(EmbeddingSimilarity.Cosine(result.Embeddings[i], cases[i].Embedding) >= 0.99999f, cases[i].Text);
            Assert.True(EmbeddingSimilarity.MaxAbsDifference(result.Embeddings[i], cases[i].Embedding) <= 1e-4f, cases[i].Text);
        }

        Assert.StartsWith("strata compiled ", embedder.Runtime, StringComparison.Ordinal);
    }

    [Fact]
    public void CompileLog_ShowsTheFusionsAndAnArenaAtMostHalfTheNaiveSum()
    {
        using var encoder = Open();
        var executable = encoder.Executable;
        foreach (var entry in executable.Log.Entries)
        {
            output.WriteLine($"{entry.Pass}: {entry.Message}");
        }

        // Each pass's whole log: one line each, with the exact counts (a count elsewhere in a line cannot pass for it).
        string[] Lines(string pass) => [.. executable.Log.Entries.Where(e => e.Pass == pass).Select(e => e.Message)];
        Assert.Equal(["fused 6 Attention (6 with an additive mask, 0 without) from Reshape/Transpose ×3, MatMul, Div, Add, Softmax, MatMul, Transpose, Reshape"],
            Lines("fuse-attention"));
        Assert.Equal(["fused 13 LayerNorm (13 from ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add, 0 from LayerNormalization)"], Lines("fuse-layernorm"));
        Assert.Equal(["fused 6 Gelu (from Div/Erf/Add/Mul/Mul)"], Lines("fuse-gelu"));
        Assert.Equal(["fused 36 Dense (30 from MatMul+Add, 6 from MatMul+Add+Gelu); 36 weights transposed into new [N, K] constants"], Lines("fuse-dense"));
        Assert.Equal(6, executable.Graph.Nodes.Count(n => n.IsStrata("Attention")));
        Assert.Equal(13, executable.Graph.Nodes.Count(n => n.IsStrata("LayerNorm")));
        Assert.Equal(["fused 6 q/k/v projection triples into one [1152, 384] Dense each (the attention reads q, k and v from its rows)"], Lines("fuse-qkv"));
        Assert.Equal(24, executable.Graph.Nodes.Count(n => n.IsStrata("Dense")));
        Assert.All(executable.Graph.Nodes.Where(n => n.IsStrata("Attention")), n => Assert.Null(n.Input(1)));
        Assert.Equal(6, executable.Graph.Nodes.Count(n => n.IsStrata("Dense") && n.Attributes.String("activation", "") == "gelu"));
        Assert.Equal(["fused 12 residual Add into Dense"], Lines("fuse-residual")); // the attention output's and the FFN's, per layer
        Assert.Equal(12, executable.Graph.Nodes.Count(n => n.IsStrata("Dense") && n.Input(3) is not null));
        Assert.True(executable.Plan.ArenaBytes * 2 <= executable.Plan.NaiveBytes, $"arena {executable.Plan.ArenaBytes} of naive {executable.Plan.NaiveBytes}");
        Assert.Equal(["all 54 nodes run on Strata kernels; no fallback"], Lines("partition"));
        Assert.Equal(0, executable.ForeignNodeCount);
    }
}
