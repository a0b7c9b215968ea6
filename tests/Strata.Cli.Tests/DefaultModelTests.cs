// The embedded default model: `strata generate` and `strata serve` with no --model use models/stories260K.gguf beside the binary.
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class DefaultModelTests
{
    private const string StoriesSha256 = "5a9d168bd9d9e29302e0d604e9a4c97184057ad87661cd7e7cc4318fdeba6d9c";

    [Fact]
    public void Generate_NoModel_PrintsTheStories260KGoldenContinuation()
    {
        // The README's first command, run on the built binary.
        var r = StrataProcess.Run("generate", "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "64");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(GoldenText() + "\n", r.StdOut);
    }

    [Fact]
    public void Generate_NoModel_EvidenceNamesTheEmbeddedFile()
    {
        var r = StrataProcess.Run("generate", "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "8", "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(StoriesSha256, doc.RootElement.GetProperty("evidence").GetProperty("engine").GetProperty("model_sha256").GetString());
    }

    [Fact]
    public void Help_Generate_SaysTheDefaultIsUsedOnlyWithoutModel()
    {
        var r = StrataProcess.Run("generate", "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("used only when no --model is given", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddedModel_IsTheSharedStories260K()
    {
        // The copy in models/ must stay the file the tests and goldens are about.
        string embedded = Path.Combine(AppContext.BaseDirectory, "models", "stories260K.gguf");
        using var stream = File.OpenRead(embedded);
        Assert.Equal(StoriesSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)));
    }

    /// <summary>llama.cpp's 64-token greedy continuation of "Once upon a time" on stories260K.gguf.</summary>
    internal static string GoldenText()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(StrataProcess.Shared(Path.Combine("golden", "stories260K.gguf.llamacpp.json"))));
        return doc.RootElement.GetProperty("cases")[0].GetProperty("generated_text").GetString()!;
    }
}
