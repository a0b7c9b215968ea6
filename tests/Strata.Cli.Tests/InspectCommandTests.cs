// `strata inspect` as a user runs it: a real process on real model files; its hash is the one generate's evidence reports.
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class InspectCommandTests
{
    private static readonly string Stories = StrataProcess.Shared("stories260K.gguf");
    private static readonly string SynthQ8 = StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf");
    private static readonly string MiniLm = StrataProcess.Shared("onnx/all-MiniLM-L6-v2/model.onnx");

    [Fact]
    public void Inspect_StoriesJson_PrintsMetadataStepsAndTheHashGenerateReports()
    {
        var r = StrataProcess.Run("inspect", Stories, "--format", "json");
        var g = StrataProcess.Run("generate", "--model", Stories, "--prompt", "Once", "--temperature", "0", "--max-tokens", "1", "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(g.ExitCode == 0, g.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        Assert.Equal("llama", model.GetProperty("architecture").GetString());
        Assert.Equal(5, model.GetProperty("layers").GetInt32());
        Assert.Equal(64, model.GetProperty("embedding_dim").GetInt32());
        Assert.Equal(8, model.GetProperty("heads").GetInt32());
        Assert.Equal(4, model.GetProperty("kv_heads").GetInt32());
        Assert.Equal(512, model.GetProperty("vocab_size").GetInt32());
        Assert.Equal(512, model.GetProperty("context_length").GetInt32());
        Assert.Equal(48, model.GetProperty("tensor_types").GetProperty("F32").GetInt32());
        Assert.True(root.GetProperty("arena_bytes").GetInt64() > 0);
        Assert.Contains(root.GetProperty("compile_log").EnumerateArray(), e => e.GetProperty("pass").GetString() == "select-kernels");

        // 5 layers × 7 products + logits, each with buckets from one row to its capacity.
        var steps = root.GetProperty("matmul_steps").EnumerateArray().ToList();
        Assert.Equal(36, steps.Count);
        Assert.All(steps, s => Assert.Equal(1, s.GetProperty("buckets")[0].GetProperty("min_rows").GetInt32()));
        Assert.Equal("output.weight", steps[^1].GetProperty("weight").GetString());

        // Each layer's Q/K/V and gate/up, grouped by the compiler; one job at least for one-row decode.
        var groups = root.GetProperty("product_groups").EnumerateArray().ToList();
        Assert.Equal(10, groups.Count);
        Assert.Equal(5, groups.Count(g => g.GetProperty("weights").EnumerateArray().Select(n => n.GetString()).SequenceEqual(["attn_q", "attn_k", "attn_v"])));
        Assert.All(groups, g => Assert.Equal(1, g.GetProperty("joint")[0].GetProperty("min_rows").GetInt32()));
        Assert.Contains(root.GetProperty("compile_log").EnumerateArray(), e => e.GetProperty("pass").GetString() == "group-products");

        using var generated = JsonDocument.Parse(g.StdOut);
        string? generateHash = generated.RootElement.GetProperty("evidence").GetProperty("compiler").GetProperty("executable_hash").GetString();
        Assert.Equal(generateHash, root.GetProperty("executable_hash").GetString());
    }

    [Fact]
    public void Inspect_SynthQ8Fast_BatchInvarianceChangesHashAndLeavesOneKernelPerStep()
    {
        var plain = StrataProcess.Run("inspect", SynthQ8, "--numerics", "fast", "--format", "json");
        var invariant = StrataProcess.Run("inspect", SynthQ8, "--numerics", "fast", "--batch-invariant", "--format", "json");

        Assert.True(plain.ExitCode == 0, plain.StdErr);
        Assert.True(invariant.ExitCode == 0, invariant.StdErr);
        using var p = JsonDocument.Parse(plain.StdOut);
        using var i = JsonDocument.Parse(invariant.StdOut);
        Assert.NotEqual(p.RootElement.GetProperty("executable_hash").GetString(), i.RootElement.GetProperty("executable_hash").GetString());
        Assert.True(i.RootElement.GetProperty("compile_options").GetProperty("batch_invariant").GetBoolean());
        var steps = i.RootElement.GetProperty("matmul_steps").EnumerateArray().ToList();
        Assert.Contains(steps, s => s.GetProperty("op").GetString() == "MatMulQuantized" && s.GetProperty("type").GetString() == "Q8_0");
        Assert.All(steps, s => Assert.Equal(1, s.GetProperty("buckets").GetArrayLength()));
    }

    [Fact]
    public void Inspect_Text_ShowsHashLogAndKernelsPerBucket()
    {
        var r = StrataProcess.Run("inspect", SynthQ8, "--numerics", "fast");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Matches("(?m)^hash +[0-9a-f]{64}$", r.StdOut);
        Assert.Contains("select-kernels: MatMulQuantized Q8_0", r.StdOut, StringComparison.Ordinal);
        Assert.Matches("(?m)^  step \\d+ MatMulQuantized blk\\.0\\.attn_q\\.weight Q8_0 \\[256, 256\\]: rows 1", r.StdOut);
    }

    [Fact]
    public void Inspect_MissingFile_FailsNamingIt()
    {
        var r = StrataProcess.Run("inspect", "/nonexistent/model.gguf");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("/nonexistent/model.gguf", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_OnnxJson_PrintsOpsetsValuesNodeCountsAndInitializers()
    {
        var r = StrataProcess.Run("inspect", MiniLm, "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("onnx", root.GetProperty("format").GetString());
        Assert.Equal(7, root.GetProperty("ir_version").GetInt32());
        Assert.Equal(13, root.GetProperty("opsets")[0].GetProperty("version").GetInt32());
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], root.GetProperty("inputs").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(["batch", "sequence"], root.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(384, root.GetProperty("outputs")[1].GetProperty("shape")[1].GetInt32());
        Assert.Equal(48, root.GetProperty("nodes_by_op").GetProperty("MatMul").GetInt32());
        Assert.Equal(148, root.GetProperty("initializer_count").GetInt32());
        Assert.True(root.GetProperty("initializer_bytes").GetInt64() > 85_000_000);
    }

    [Fact]
    public void Inspect_OnnxText_ShowsShapesAndOpCounts()
    {
        var r = StrataProcess.Run("inspect", MiniLm);

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Matches("(?m)^opsets +ai\\.onnx 13$", r.StdOut);
        Assert.Matches("(?m)^  input_ids: Int64\\[batch, sequence\\]$", r.StdOut);
        Assert.Matches("(?m)^ +155  Constant$", r.StdOut);
    }

    [Fact]
    public void Inspect_TruncatedOnnx_ExitsTwoNamingFileAndField()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-inspect-cut-{Environment.ProcessId}.onnx");
        try
        {
            using (var source = File.OpenRead(MiniLm))
            using (var cut = File.Create(path))
            {
                byte[] head = new byte[30_000];
                source.ReadExactly(head);
                cut.Write(head);
            }

            var r = StrataProcess.Run("inspect", path);

            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"ONNX model '{path}': model: protobuf at byte 17: field 7 (graph) declares", r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
