// `strata compile` as a user runs it: a real process on the shared MiniLM model (log, summary, hash, JSON, the cache) and on
// a model with an operator Strata has no kernel for (ONNX Runtime runs it; --no-fallback refuses it by name).
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Tests.Shared;

namespace Strata.Cli.Tests;

public sealed partial class CompileCommandTests : IDisposable
{
    private static readonly string MiniLm = StrataProcess.Shared("onnx/all-MiniLM-L6-v2/model.onnx");
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-compile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Compile_MiniLmWithLog_ShowsFusionsNoFallbackPlanAndHash()
    {
        var r = StrataProcess.Run("compile", MiniLm, "--log", "--output", "last_hidden_state");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] lines = r.StdOut.Split('\n');
        Assert.Single(lines, l => l.StartsWith("fuse-layernorm: ", StringComparison.Ordinal) && l.Contains("13", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("fuse-gelu: ", StringComparison.Ordinal) && l.Contains('6', StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("fuse-attention: ", StringComparison.Ordinal) && l.Contains('6', StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("fuse-dense: ", StringComparison.Ordinal) && l.Contains("36", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("fuse-qkv: fused 6 q/k/v projection triples", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("partition: ", StringComparison.Ordinal) && l.Contains("no fallback", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("plan-memory: ", StringComparison.Ordinal));
        Assert.Contains("  strata.Dense 24", lines); // 36 fused, then each layer's q, k, v projections as one
        Assert.Contains("foreign      none", lines);
        Assert.Matches(HashLine(), r.StdOut);
    }

    [Fact]
    public void Compile_MiniLmJsonTwiceWithAndWithoutCache_SameHashAndSecondRunFromCache()
    {
        string cache = Path.Combine(_directory, "cache");
        string[] encoder = ["compile", MiniLm, "--output", "last_hidden_state"];
        var text = StrataProcess.Run(encoder);
        var plain = StrataProcess.Run([.. encoder, "--format", "json"]);
        var stored = StrataProcess.Run([.. encoder, "--format", "json", "--cache", cache]);
        var hit = StrataProcess.Run([.. encoder, "--format", "json", "--cache", cache]);

        foreach (var r in new[] { text, plain, stored, hit })
        {
            Assert.True(r.ExitCode == 0, r.StdErr);
        }

        string hash = HashLine().Match(text.StdOut).Groups[1].Value;
        using var p = JsonDocument.Parse(plain.StdOut);
        using var s = JsonDocument.Parse(stored.StdOut);
        using var h = JsonDocument.Parse(hit.StdOut);
        Assert.Equal(hash, p.RootElement.GetProperty("hash").GetString());
        Assert.Equal(hash, s.RootElement.GetProperty("hash").GetString());
        Assert.Equal(hash, h.RootElement.GetProperty("hash").GetString());
        Assert.False(p.RootElement.GetProperty("from_cache").GetBoolean());
        Assert.False(s.RootElement.GetProperty("from_cache").GetBoolean());
        Assert.True(h.RootElement.GetProperty("from_cache").GetBoolean());
        Assert.Single(Directory.GetFiles(cache, "*.sgx"));

        var summary = p.RootElement.GetProperty("summary");
        Assert.Equal(24, summary.GetProperty("nodes_by_op").GetProperty("strata.Dense").GetInt32());
        Assert.Equal(0, summary.GetProperty("foreign_partitions").GetArrayLength());
        Assert.True(summary.GetProperty("arena_bytes").GetInt64() * 2 <= summary.GetProperty("naive_bytes").GetInt64());
        Assert.Contains(p.RootElement.GetProperty("log").EnumerateArray(), e => e.GetProperty("pass").GetString() == "fuse-attention");
        Assert.True(p.RootElement.GetProperty("kernels").TryGetProperty("Dense", out _));
    }

    [Fact]
    public void Compile_ForeignOperator_RunsInOnnxRuntimePartition()
    {
        string model = ForeignOpModel.Write(Path.Combine(_directory, "foreign.onnx"));

        var r = StrataProcess.Run("compile", model, "--log", "--threads", "1");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains(r.StdOut.Split('\n'), l => l.StartsWith("partition: ", StringComparison.Ordinal) && l.Contains(ForeignOpModel.ForeignOp, StringComparison.Ordinal)
            && l.Contains("foreign", StringComparison.Ordinal));
        Assert.Contains($"  partition 0: 1 node(s) [{ForeignOpModel.ForeignOp}] on onnxruntime ", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ForeignOperatorWithNoFallback_FailsNamingTheOperator()
    {
        string model = ForeignOpModel.Write(Path.Combine(_directory, "foreign.onnx"));

        var r = StrataProcess.Run("compile", model, "--no-fallback");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("fallback refused", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(ForeignOpModel.ForeignOp, r.StdErr, StringComparison.Ordinal);
        Assert.Empty(r.StdOut);
    }

    [Fact]
    public void Compile_MissingModel_ClearErrorAndExit2()
    {
        var r = StrataProcess.Run("compile", "/nonexistent/model.onnx");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("model '/nonexistent/model.onnx' not found", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_FileThatIsNotOnnx_ClearErrorAndExit2()
    {
        string model = Path.Combine(_directory, "garbage.onnx");
        File.WriteAllText(model, "this is not a protobuf model");

        var r = StrataProcess.Run("compile", model);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", r.StdErr, StringComparison.Ordinal);
    }

    [GeneratedRegex("^hash +([0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex HashLine();
}
