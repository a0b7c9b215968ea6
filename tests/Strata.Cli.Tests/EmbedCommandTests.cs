// `strata embed` as a user runs it: a real process on the shared MiniLM model, its JSON held to the ONNX Runtime golden.
using System.Text.Json;
using Strata.Engine.Embeddings;
using Strata.Engine.Tests.Embeddings;

namespace Strata.Cli.Tests;

public sealed class EmbedCommandTests
{
    [Fact]
    public void Embed_MiniLmJson_PrintsTheGoldenVectorsAndUsage()
    {
        IReadOnlyList<MiniLmGoldenCase> cases = MiniLmGolden.Cases();
        string[] args = ["embed", "--model", MiniLmGolden.ModelPath, "--format", "json", "--threads", "2", .. cases.SelectMany(c => new[] { "--text", c.Text })];

        var r = StrataProcess.Run(args);

        Assert.True(r.ExitCode == 0, r.StdErr);
        float[][] vectors = EmbeddingsOf(r.StdOut, out JsonElement root);
        Assert.Equal(cases.Count, vectors.Length);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.True(EmbeddingSimilarity.Cosine(cases[i].Embedding, vectors[i]) >= 0.99999f, cases[i].Text);
            Assert.True(EmbeddingSimilarity.MaxAbsDifference(cases[i].Embedding, vectors[i]) <= 1e-4f, cases[i].Text);
        }

        Assert.Equal(cases.Sum(c => c.InputIds.Length), root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.StartsWith("strata compiled ", root.GetProperty("runtime").GetString(), StringComparison.Ordinal);
        Assert.Equal(384, root.GetProperty("dimensions").GetInt32());
        Assert.Equal(0, root.GetProperty("truncated").GetArrayLength());
    }

    [Fact]
    public void Embed_Text_OneLinePerTextWithDimensionAndFirstValues()
    {
        var r = StrataProcess.Run("embed", "-m", MiniLmGolden.ModelPath, "--threads", "1", "--text", "This is an example sentence", "--text", "second");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] lines = r.StdOut.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("0: dim 384, 7 tokens [0.067657, 0.063496,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("1: dim 384, ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_MissingModel_ClearErrorAndExit2()
    {
        var r = StrataProcess.Run("embed", "-m", "/nonexistent/model.onnx", "--text", "x");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("embedding model '/nonexistent/model.onnx' not found", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_FileThatIsNotAModel_ClearErrorAndExit2()
    {
        string vocab = MiniLmGolden.VocabularyPath;

        var r = StrataProcess.Run("embed", "-m", vocab, "--vocab", vocab, "--text", "x");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot be compiled", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", r.StdErr, StringComparison.Ordinal);

        var onnxRuntime = StrataProcess.Run("embed", "-m", vocab, "--vocab", vocab, "--text", "x", "--runtime", "onnxruntime");
        Assert.Equal(2, onnxRuntime.ExitCode);
        Assert.Contains("cannot be loaded by ONNX Runtime", onnxRuntime.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_EmptyText_ClearErrorAndExit2()
    {
        var r = StrataProcess.Run("embed", "-m", MiniLmGolden.ModelPath, "--text", "fine", "--text", "");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--text number 2 is empty", r.StdErr, StringComparison.Ordinal);
    }

    private static float[][] EmbeddingsOf(string json, out JsonElement root)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        root = document.RootElement.Clone();
        return [.. root.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())];
    }
}
