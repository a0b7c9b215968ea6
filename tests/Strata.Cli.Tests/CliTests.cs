// The CLI as a user runs it: a real process on real model files, checked against the golden files.
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class CliTests
{
    private static readonly string Stories = StrataProcess.Shared("stories260K.bin");
    private static readonly string Tok512 = StrataProcess.Shared("tok512.bin");

    [Fact]
    public void Generate_Llama2cJson_MatchesRunCGoldenAndCarriesEvidence()
    {
        var golden = Golden("stories260K.bin.runc.json");
        var r = StrataProcess.Run("generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", "Once upon a time",
            "--temperature", "0", "--max-tokens", "64", "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal(Ints(golden, "prompt_token_ids"), Ints(root, "prompt_tokens"));
        Assert.Equal(Ints(golden, "generated_token_ids"), Ints(root, "tokens"));
        Assert.Equal(golden.GetProperty("generated_text").GetString(), root.GetProperty("text").GetString());
        Assert.Equal("max_tokens", root.GetProperty("stop_reason").GetString());
        Assert.True(root.GetProperty("metrics").GetProperty("decode_tokens_per_s").GetDouble() > 0);
        var evidence = root.GetProperty("evidence");
        Assert.Matches("^[0-9a-f]{64}$", evidence.GetProperty("compiler").GetProperty("executable_hash").GetString()!);
        Assert.Equal("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696",
            evidence.GetProperty("engine").GetProperty("model_sha256").GetString());
        Assert.Equal(64, evidence.GetProperty("engine").GetProperty("generated_token_count").GetInt32());
        Assert.NotEmpty(evidence.GetProperty("kernels").GetProperty("choices").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(evidence.GetProperty("substrate").GetProperty("isa").GetString()));
    }

    [Fact]
    public void Generate_GgufText_StreamsGoldenTextToStdoutAndStatsToStderr()
    {
        var golden = Golden("stories260K.gguf.llamacpp.json");
        var r = StrataProcess.Run("generate", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt", "Once upon a time",
            "--temperature", "0", "--max-tokens", "64", "--evidence");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(golden.GetProperty("generated_text").GetString() + "\n", r.StdOut);
        Assert.Contains("[max_tokens]", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("\"executable_hash\"", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_F16KvCache_RecordsItInTheEvidence()
    {
        var r = StrataProcess.Run("generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", "Once upon a time",
            "--temperature", "0", "--max-tokens", "16", "--kv-type", "f16", "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal("f16", doc.RootElement.GetProperty("evidence").GetProperty("engine").GetProperty("kv_type").GetString());
        Assert.Equal(16, doc.RootElement.GetProperty("tokens").GetArrayLength());
    }

    [Fact]
    public void Generate_JsonSchemaFile_PrintsJsonThatFollowsItAndRecordsTheGrammarHash()
    {
        string schema = Path.Combine(Path.GetTempPath(), $"strata-schema-{Environment.ProcessId}.json");
        File.WriteAllText(schema, "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":6},\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9}},\"required\":[\"name\",\"n\"]}");
        try
        {
            var r = StrataProcess.Run("generate", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt", "Once upon a time",
                "--temperature", "0", "--max-tokens", "100", "--json-schema", schema, "--format", "json");

            Assert.True(r.ExitCode == 0, r.StdErr);
            using var doc = JsonDocument.Parse(r.StdOut);
            using var text = JsonDocument.Parse(doc.RootElement.GetProperty("text").GetString()!);
            Assert.InRange(text.RootElement.GetProperty("n").GetInt32(), 1, 9);
            Assert.Equal("grammar_complete", doc.RootElement.GetProperty("stop_reason").GetString());
            Assert.Matches("^[0-9a-f]{64}$", doc.RootElement.GetProperty("evidence").GetProperty("engine").GetProperty("grammar_sha256").GetString()!);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public void Generate_UnsupportedSchema_FailsAsBadInputNamingThePointer()
    {
        string schema = Path.Combine(Path.GetTempPath(), $"strata-bad-schema-{Environment.ProcessId}.json");
        File.WriteAllText(schema, "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"multipleOf\":3}}}");
        try
        {
            var r = StrataProcess.Run("generate", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt", "Hi", "--json-schema", schema);

            Assert.Equal(2, r.ExitCode);
            Assert.Contains("#/properties/n/multipleOf", r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public void Generate_StopString_EndsBeforeIt()
    {
        var r = StrataProcess.Run("generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", "Once upon a time",
            "--temperature", "0", "--max-tokens", "64", "--stop", "Lily", "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(", there was a little girl named ", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop_string", doc.RootElement.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Generate_SameSeed_SameSample()
    {
        string[] args = ["generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", "Once", "--temperature", "1", "--seed", "7",
            "--max-tokens", "24", "--format", "json"];
        var a = StrataProcess.Run(args);
        var b = StrataProcess.Run(args);
        Assert.True(a.ExitCode == 0, a.StdErr);
        using var da = JsonDocument.Parse(a.StdOut);
        using var db = JsonDocument.Parse(b.StdOut);
        Assert.Equal(Ints(da.RootElement, "tokens"), Ints(db.RootElement, "tokens"));
    }

    [Fact]
    public void Generate_TruncatedModel_ClearErrorExit2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-trunc-{Environment.ProcessId}.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(StrataProcess.Shared("stories260K.gguf"))[..600_000]);
        try
        {
            var r = StrataProcess.Run("generate", "--model", path, "--prompt", "Hi");
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("error: ", r.StdErr, StringComparison.Ordinal);
            Assert.Contains("truncated", r.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Generate_PromptOverContext_ClearErrorExit2()
    {
        string prompt = string.Concat(Enumerable.Repeat("Once upon a time there was a dog. ", 20));
        var r = StrataProcess.Run("generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", prompt, "--ctx", "32");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("context holds 32", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--temperature", "-1", "Temperature")]
    [InlineData("--top-p", "1.5", "TopP")]
    [InlineData("--max-tokens", "-3", "max-tokens")]
    [InlineData("--threads", "0", "threads")]
    [InlineData("--kv-type", "q8_0", "kv-type")]
    public void Generate_BadOption_NamesItExit2(string option, string value, string named)
    {
        var r = StrataProcess.Run("generate", "--model", Stories, "--tokenizer", Tok512, "--prompt", "Hi", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(named, r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MissingFile_ClearError()
    {
        var r = StrataProcess.Run("generate", "--model", "/nonexistent/model.gguf", "--prompt", "Hi");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not found", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_Json_HasMachineRecord()
    {
        var r = StrataProcess.Run("probe", "--format", "json", "--no-bandwidth");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        foreach (string key in new[] { "utc_time", "strata_version", "os", "dotnet_version", "cpu", "memory" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"probe json lacks '{key}'");
        }

        Assert.True(root.GetProperty("cpu").GetProperty("logical_cores").GetInt32() >= 1);
    }

    [Fact]
    public void Bench_Json_ReportsThroughputAndRoofline()
    {
        var r = StrataProcess.Run("bench", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt-tokens", "16", "--gen-tokens", "8",
            "--repetitions", "2", "--threads", "2", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("prompt_tokens_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("decode_tokens_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("decode_roofline_fraction").GetDouble() > 0);
        Assert.True(root.GetProperty("weight_bytes_per_token").GetInt64() > 0);

        // stories260K: 5 layers of q, k, v, o (64 × 64, k and v 32 × 64) and gate, up, down (172 × 64), output 512 × 64.
        Assert.Equal((5 * ((2 * 64 * 64) + (2 * 32 * 64) + (3 * 172 * 64))) + (512 * 64), root.GetProperty("macs_per_token").GetInt64());
        double gmacs = root.GetProperty("compute_gmacs").GetDouble();
        Assert.True(gmacs > 0, $"compute_gmacs {gmacs}");
        Assert.Equal(gmacs * 1e9 / root.GetProperty("macs_per_token").GetInt64(), root.GetProperty("prefill_roofline_tokens_per_s").GetDouble(), 6);
        Assert.True(root.GetProperty("prefill_roofline_fraction").GetDouble() > 0);
    }

    [Fact]
    public void Bench_Profile_TimesEveryDecodeStepByKind()
    {
        var r = StrataProcess.Run("bench", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt-tokens", "8", "--gen-tokens", "8",
            "--repetitions", "2", "--threads", "2", "--format", "json", "--profile");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var lines = doc.RootElement.GetProperty("decode_profile").EnumerateArray().ToList();
        double share = 0, previous = double.MaxValue;
        var steps = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            double ms = line.GetProperty("ms_per_token").GetDouble();
            Assert.True(ms >= 0 && ms <= previous, "lines largest first");
            previous = ms;
            share += line.GetProperty("share").GetDouble();
            steps[line.GetProperty("step").GetString()!] = line.GetProperty("steps").GetInt32();
        }

        Assert.Equal(1.0, share, 6);

        // stories260K: 5 layers, each with one attention, two norms and two residual adds, and one final norm.
        Assert.Equal(5, steps["Attention"]);
        Assert.Equal(11, steps["RmsNorm"]);
        Assert.Equal(10, steps["Add"]);
        Assert.Contains(steps.Keys, k => k.StartsWith("MatMul", StringComparison.Ordinal) && k.Contains("[512, 64]", StringComparison.Ordinal));

        // Without the option there is no profile.
        var plain = StrataProcess.Run("bench", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt-tokens", "8", "--gen-tokens", "8",
            "--repetitions", "1", "--threads", "1", "--format", "json");
        using var plainDoc = JsonDocument.Parse(plain.StdOut);
        Assert.False(plainDoc.RootElement.TryGetProperty("decode_profile", out _));
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("fast")]
    public void Bench_ResidentMemory_WithinFilePlusKvPlus64MiB(string numerics)
    {
        var r = StrataProcess.Run("bench", "--model", StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf"), "--prompt-tokens", "64",
            "--gen-tokens", "32", "--repetitions", "1", "--threads", "2", "--numerics", numerics, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        long rss = root.GetProperty("rss_after_run_bytes").GetInt64();
        long bound = root.GetProperty("rss_bound_bytes").GetInt64();
        long packed = root.GetProperty("packed_weight_bytes").GetInt64();
        Assert.Equal(root.GetProperty("model_bytes").GetInt64() + root.GetProperty("kv_cache_bytes").GetInt64() + (64L << 20), bound);

        // Exact numerics copy nothing; fast numerics on VNNI pack every Q8_0 product's matrix (about the file's size) and
        // still fit the bound, the packed matrices' file pages having left the resident set.
        if (numerics == "exact" || !root.GetProperty("isa").GetString()!.EndsWith("vnni", StringComparison.Ordinal))
        {
            Assert.Equal(0, packed);
        }
        else
        {
            Assert.True(packed > root.GetProperty("model_bytes").GetInt64() / 2, $"packed {packed} bytes");
            Assert.True(root.GetProperty("int8_vnni_gmacs").GetDouble() > root.GetProperty("compute_gmacs").GetDouble(), "VNNI peak above the f32 FMA peak");
        }

        Assert.True(rss <= bound, $"resident {rss >> 20} MiB after the runs exceeds file + KV + 64 MiB = {bound >> 20} MiB");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Bench_Peer_RunsItWithSameSettingsAndReportsRatios()
    {
        // A stand-in for llama-bench at the process edge: records its arguments and prints llama-bench's JSON shape.
        string dir = Directory.CreateTempSubdirectory("strata-peer-").FullName;
        string script = Path.Combine(dir, "llama-bench");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$@" >> '{{dir}}/args'
            echo '[{"build_commit":"c392e509","n_prompt":16,"n_gen":0,"samples_ts":[100,300,200]},'
            echo ' {"build_commit":"c392e509","n_prompt":0,"n_gen":8,"samples_ts":[30,10,20]}]'
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string model = StrataProcess.Shared("stories260K.gguf");
            var r = StrataProcess.Run("bench", "--model", model, "--prompt-tokens", "16", "--gen-tokens", "8", "--repetitions", "2",
                "--threads", "2", "--format", "json", "--peer", script);
            Assert.True(r.ExitCode == 0, r.StdErr);
            // The two take turns, one repetition each: the peer runs once per repetition with -r 1.
            Assert.Equal([$"-m {model} -t 2 -p 16 -n 8 -r 1 -o json", $"-m {model} -t 2 -p 16 -n 8 -r 1 -o json"],
                File.ReadAllLines(Path.Combine(dir, "args")));
            using var doc = JsonDocument.Parse(r.StdOut);
            var peer = doc.RootElement.GetProperty("peer");
            Assert.Equal(200, peer.GetProperty("prompt_tokens_per_s").GetDouble());
            Assert.Equal(20, peer.GetProperty("decode_tokens_per_s").GetDouble());
            double ours = doc.RootElement.GetProperty("decode_tokens_per_s").GetDouble();
            Assert.Equal(ours / 20, peer.GetProperty("decode_ratio").GetDouble(), 6);
            Assert.Equal([20.0, 20.0], peer.GetProperty("decode_runs").EnumerateArray().Select(x => x.GetDouble()));
            Assert.Equal(2, doc.RootElement.GetProperty("decode_runs").GetArrayLength());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static JsonElement Golden(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(StrataProcess.Shared(Path.Combine("golden", name))));
        return doc.RootElement.GetProperty("cases")[0].Clone();
    }

    private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
