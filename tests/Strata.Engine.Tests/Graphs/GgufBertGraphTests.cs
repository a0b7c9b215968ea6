// The GGUF bert path through the graph compiler: a `strata synth --arch bert` file embeds as llama.cpp's llama-server
// (--embeddings, 3f545becc) embedded the same bytes (data/embeddings/bert-minilm-l6.json).
using System.Text.Json;
using Strata.Compiler;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Engine.Artifacts;
using Strata.Engine.Embeddings;
using Strata.Engine.Graphs;
using Strata.Engine.Synthesis;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Graphs;

public sealed class GgufBertGraphTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-bert-graph-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void MiniLmShapedBert_EmbedsAsLlamaCpp()
    {
        string path = Path.Combine(_directory, "minilm.gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.Parse("minilm-l6", "bert"), QuantRecipe.Parse("f32"), 1,
            SharedModels.File("onnx/all-MiniLM-L6-v2/vocab.txt")), path);
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(Architectures.ArchitectureGolden.FindData(), "embeddings", "bert-minilm-l6.json")));
        using var file = GgufFile.Open(path);
        var graph = GgufEncoderGraph.Build(file);
        var log = new CompileLog();
        using var executable = GraphCompiler.Lower(graph, new GraphCompileOptions(CapacityBounds.Encoder(8, 64, 256), "test", "avx512"), log);
        using var runner = new GraphRunner(executable, threads: 2);
        foreach (var entry in log.Entries)
        {
            output.WriteLine($"{entry.Pass}: {entry.Message}");
        }

        foreach (var @case in golden.RootElement.GetProperty("cases").EnumerateArray())
        {
            long[] ids = [.. @case.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt64())];
            float[] expected = [.. @case.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())];
            long[] mask = [.. ids.Select(_ => 1L)];
            long[] types = new long[ids.Length];
            long[] shape = [1, ids.Length];
            runner.Run([GraphInput.Of(shape, ids), GraphInput.Of(shape, mask), GraphInput.Of(shape, types)]);
            var hidden = runner.OutputFloats(0, out long[] hiddenShape);
            Assert.Equal([1L, ids.Length, expected.Length], hiddenShape);
            var embedding = new float[expected.Length];
            SentencePooling.Embed(hidden, mask, embedding, expected.Length);
            double cosine = EmbeddingSimilarity.Cosine(embedding, expected);
            output.WriteLine($"{@case.GetProperty("text").GetString()}: cosine {cosine:F7}");
            Assert.True(cosine >= 0.9999, $"cosine {cosine} < 0.9999");
        }
    }

    [Fact]
    public void PaddedBatch_EmbedsEachTextAsAlone()
    {
        string path = Path.Combine(_directory, "small.gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.Parse("d=64,layers=2,heads=4,kv-heads=4,ffn=128,vocab=300,ctx=32", "bert"),
            QuantRecipe.Parse("f32"), 3, SharedModels.File("onnx/all-MiniLM-L6-v2/vocab.txt")), path);
        using var file = GgufFile.Open(path);
        using var executable = GraphCompiler.Lower(GgufEncoderGraph.Build(file), new GraphCompileOptions(CapacityBounds.Encoder(4, 32, 64), "test", "avx512"), new CompileLog());
        using var runner = new GraphRunner(executable, threads: 2);
        long[][] texts = [[101, 2023, 2003, 102], [101, 1996, 4248, 2829, 4419, 102], [101, 7592, 102]];
        var alone = new List<float[]>();
        foreach (long[] ids in texts)
        {
            runner.Run([GraphInput.Of([1, ids.Length], ids), GraphInput.Of([1, ids.Length], [.. ids.Select(_ => 1L)]), GraphInput.Of([1, ids.Length], new long[ids.Length])]);
            var pooled = new float[64];
            SentencePooling.Embed(runner.OutputFloats(0, out _), [.. ids.Select(_ => 1L)], pooled, 64);
            alone.Add(pooled);
        }

        int length = texts.Max(t => t.Length);
        var batchIds = new long[texts.Length * length];
        var batchMask = new long[texts.Length * length];
        for (int r = 0; r < texts.Length; r++)
        {
            texts[r].CopyTo(batchIds, r * length);
            batchMask.AsSpan(r * length, texts[r].Length).Fill(1);
        }

        long[] shape = [texts.Length, length];
        runner.Run([GraphInput.Of(shape, batchIds), GraphInput.Of(shape, batchMask), GraphInput.Of(shape, new long[batchIds.Length])]);
        var hidden = runner.OutputFloats(0, out _);
        var batch = new float[texts.Length * 64];
        SentencePooling.Embed(hidden, batchMask, batch, 64);
        for (int r = 0; r < texts.Length; r++)
        {
            float diff = EmbeddingSimilarity.MaxAbsDifference(alone[r], batch.AsSpan(r * 64, 64));
            output.WriteLine($"text {r}: max abs difference batched vs alone {diff:E2}");
            Assert.True(diff <= 1e-6f, $"text {r} differs by {diff} in a padded batch");
        }
    }

    [Fact]
    public void EmbeddingModelsOpen_BertGguf_TokenizesWithItsOwnVocabularyAndEmbedsAsLlamaCpp()
    {
        string path = Path.Combine(_directory, "minilm.gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.Parse("minilm-l6", "bert"), QuantRecipe.Parse("f32"), 1,
            SharedModels.File("onnx/all-MiniLM-L6-v2/vocab.txt")), path);
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(Architectures.ArchitectureGolden.FindData(), "embeddings", "bert-minilm-l6.json")));
        using var embedder = OnnxRuntime.EmbeddingModels.Open(path, vocabularyPath: null, threads: 2);
        Assert.StartsWith("strata compiled ", embedder.Runtime, StringComparison.Ordinal);
        var cases = golden.RootElement.GetProperty("cases").EnumerateArray().ToList();
        using (var file = GgufFile.Open(path))
        {
            var tokenizer = BertInputBuilder.FromGguf(file);
            foreach (var c in cases)
            {
                Assert.Equal(c.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()), tokenizer.Encode(c.GetProperty("text").GetString()!));
            }
        }

        var result = embedder.Embed([.. cases.Select(c => c.GetProperty("text").GetString()!)]);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.Equal(cases[i].GetProperty("token_ids").GetArrayLength(), result.TokenCounts[i]);
            float[] expected = [.. cases[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle())];
            Assert.True(EmbeddingSimilarity.Cosine(result.Embeddings[i], expected) >= 0.9999f, $"case {i}");
        }
    }
}
