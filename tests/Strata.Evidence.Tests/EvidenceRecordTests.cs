// Tests of evidence records: JSON round trip, snake_case keys, omitted sections, trace ids, event order.
using System.Text.Json;
using Xunit;

namespace Strata.Evidence.Tests;

public sealed class EvidenceRecordTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    private static readonly TraceId FixedTrace = TraceId.Parse("4bf92f3577b34da6a3ce929d0e0e4736");

    private static EvidenceRecord FullRecord(ManualTimeProvider time)
    {
        var record = new EvidenceRecord(FixedTrace, time)
        {
            Substrate = new SubstrateSection { Isa = "avx512", Threads = 8, CpuModel = "AMD EPYC 9654" },
            Kernels = new KernelsSection
            {
                Choices =
                [
                    new KernelChoice("matmul.q4_0", "avx512", "f32-accumulate, weights dequantized in registers"),
                    new KernelChoice("rmsnorm.f32", "avx2", "f32"),
                ],
            },
            Compiler = new CompilerSection
            {
                ExecutableHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                Passes =
                [
                    new CompilerPass("fuse_rmsnorm_matmul", ["fused 22 pairs"]),
                    new CompilerPass("plan_buffers", ["arena 1048576 bytes", "peak at node 17"]),
                ],
                BufferArenaBytes = 1_048_576,
            },
            Engine = new EngineSection
            {
                ModelPath = "/models/tiny.gguf",
                ModelSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Architecture = "llama",
                QuantTypes = new Dictionary<string, int> { ["q4_0"] = 28, ["f32"] = 9 },
                PromptTokenCount = 12,
                GeneratedTokenCount = 34,
                StopReason = "eos",
                SamplerStages = ["top_k(40)", "dist(seed=7)"],
                SamplerSeed = 7,
                Timings = new EngineTimings
                {
                    LoadMs = 120.5,
                    PromptMs = 40.25,
                    DecodeMs = 900,
                    TtftMs = 45.125,
                    PromptTokensPerS = 298.5,
                    DecodeTokensPerS = 37.75,
                },
            },
        };
        record.Add("engine", "load_done", new Dictionary<string, string> { ["tensors"] = "37" });
        time.Advance(TimeSpan.FromMilliseconds(45));
        record.Add("engine", "first_token", new Dictionary<string, string> { ["token_id"] = "42", ["Mixed-Case Key"] = "kept" });
        time.Advance(TimeSpan.FromMilliseconds(900));
        record.Add("cli", "done");
        return record;
    }

    [Fact]
    public void JsonRoundTrip_PreservesEveryField()
    {
        var time = new ManualTimeProvider(Start);
        var original = FullRecord(time);
        var json = original.ToJson();
        var back = EvidenceRecord.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(FixedTrace, back.TraceId);
        Assert.Equal(Start, back.StartedAt);
        Assert.Equal(original.Substrate, back.Substrate);
        Assert.Equal(original.Kernels!.Choices, back.Kernels!.Choices);
        Assert.Equal(original.Compiler!.ExecutableHash, back.Compiler!.ExecutableHash);
        Assert.Equal(original.Compiler.BufferArenaBytes, back.Compiler.BufferArenaBytes);
        Assert.Equal(2, back.Compiler.Passes.Count);
        Assert.Equal("plan_buffers", back.Compiler.Passes[1].Name);
        Assert.Equal(["arena 1048576 bytes", "peak at node 17"], back.Compiler.Passes[1].LogLines);

        var engine = back.Engine!;
        Assert.Equal("/models/tiny.gguf", engine.ModelPath);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", engine.ModelSha256);
        Assert.Equal("llama", engine.Architecture);
        Assert.Equal(28, engine.QuantTypes!["q4_0"]);
        Assert.Equal(9, engine.QuantTypes["f32"]);
        Assert.Equal(12, engine.PromptTokenCount);
        Assert.Equal(34, engine.GeneratedTokenCount);
        Assert.Equal("eos", engine.StopReason);
        Assert.Equal(["top_k(40)", "dist(seed=7)"], engine.SamplerStages!);
        Assert.Equal(7UL, engine.SamplerSeed);
        Assert.Equal(original.Engine!.Timings, engine.Timings);

        Assert.Equal(3, back.Events.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(original.Events[i].Layer, back.Events[i].Layer);
            Assert.Equal(original.Events[i].Name, back.Events[i].Name);
            Assert.Equal(original.Events[i].At, back.Events[i].At);
            Assert.Equal(original.Events[i].Attributes, back.Events[i].Attributes);
        }
    }

    [Fact]
    public void Json_KeysAreSnakeCase()
    {
        var json = FullRecord(new ManualTimeProvider(Start)).ToJson();
        foreach (var key in new[]
        {
            "\"schema_version\": 1", "\"trace_id\": \"4bf92f3577b34da6a3ce929d0e0e4736\"", "\"started_at\"",
            "\"substrate\"", "\"isa\"", "\"threads\"", "\"cpu_model\"",
            "\"kernels\"", "\"choices\"", "\"op\": \"matmul.q4_0\"", "\"kernel\"", "\"numerical_mode\"",
            "\"compiler\"", "\"executable_hash\"", "\"passes\"", "\"log_lines\"", "\"buffer_arena_bytes\"",
            "\"engine\"", "\"model_path\"", "\"model_sha256\"", "\"architecture\"", "\"quant_types\"", "\"q4_0\": 28",
            "\"prompt_token_count\"", "\"generated_token_count\"", "\"stop_reason\"", "\"sampler_stages\"", "\"sampler_seed\"",
            "\"timings\"", "\"load_ms\"", "\"prompt_ms\"", "\"decode_ms\"", "\"ttft_ms\"",
            "\"prompt_tokens_per_s\"", "\"decode_tokens_per_s\"",
            "\"events\"", "\"layer\"", "\"name\"", "\"at\"", "\"attributes\"", "\"token_id\": \"42\"", "\"Mixed-Case Key\"",
        })
        {
            Assert.Contains(key, json);
        }

        // Every property name (outside attribute and histogram maps) is lowercase snake_case.
        using var document = JsonDocument.Parse(json);
        AssertSnakeCase(document.RootElement, "$");
    }

    private static void AssertSnakeCase(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Assert.Matches("^[a-z][a-z0-9_]*$", property.Name);
                if (property.Name is not ("attributes" or "quant_types"))
                {
                    AssertSnakeCase(property.Value, $"{path}.{property.Name}");
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AssertSnakeCase(item, $"{path}[]");
            }
        }
    }

    [Fact]
    public void Json_AbsentSectionsAndFieldsAreOmitted()
    {
        var record = new EvidenceRecord(FixedTrace, new ManualTimeProvider(Start))
        {
            Engine = new EngineSection { ModelPath = "m.gguf", Architecture = "llama" },
        };
        var json = record.ToJson();
        Assert.DoesNotContain("substrate", json);
        Assert.DoesNotContain("kernels", json);
        Assert.DoesNotContain("compiler", json);
        Assert.DoesNotContain("timings", json);
        Assert.DoesNotContain("model_sha256", json);
        Assert.DoesNotContain("sampler_seed", json);
        Assert.DoesNotContain("null", json);

        var back = EvidenceRecord.FromJson(json);
        Assert.Null(back.Substrate);
        Assert.Null(back.Kernels);
        Assert.Null(back.Compiler);
        Assert.Null(back.Engine!.Timings);
        Assert.Empty(back.Events);
    }

    [Fact]
    public void Events_AreOrderedAndStampedByTheInjectedTime()
    {
        var time = new ManualTimeProvider(Start);
        var record = new EvidenceRecord(time);
        Assert.Equal(Start, record.StartedAt);
        for (int i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            record.Add("engine", $"step_{i}");
        }

        var events = record.Events;
        Assert.Equal(5, events.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($"step_{i}", events[i].Name);
            Assert.Equal(Start.AddSeconds(i + 1), events[i].At);
            Assert.Empty(events[i].Attributes);
        }
    }

    [Fact]
    public void FromJson_StampsLaterEventsWithTheGivenTime()
    {
        var json = FullRecord(new ManualTimeProvider(Start)).ToJson();
        var later = Start.AddHours(1);
        var back = EvidenceRecord.FromJson(json, new ManualTimeProvider(later));
        var added = back.Add("cli", "reloaded");
        Assert.Equal(later, added.At);
        Assert.Equal(4, back.Events.Count);
    }

    [Fact]
    public void Add_CopiesAttributes()
    {
        var attributes = new Dictionary<string, string> { ["k"] = "v" };
        var record = new EvidenceRecord(new ManualTimeProvider(Start));
        record.Add("kernels", "chosen", attributes);
        attributes["k"] = "changed";
        Assert.Equal("v", record.Events[0].Attributes["k"]);
    }

    [Fact]
    public void Add_EmptyLayer_Throws()
    {
        var record = new EvidenceRecord(new ManualTimeProvider(Start));
        Assert.ThrowsAny<ArgumentException>(() => record.Add("", "x"));
    }

    [Fact]
    public void FromJson_WrongSchemaVersion_NamesExpectedAndFound()
    {
        var json = FullRecord(new ManualTimeProvider(Start)).ToJson().Replace("\"schema_version\": 1", "\"schema_version\": 2");
        var error = Assert.Throws<JsonException>(() => EvidenceRecord.FromJson(json));
        Assert.Contains("schema_version 1", error.Message);
        Assert.Contains("found 2", error.Message);
    }

    [Fact]
    public void FromJson_BadTraceId_Throws()
    {
        var json = FullRecord(new ManualTimeProvider(Start)).ToJson()
            .Replace("4bf92f3577b34da6a3ce929d0e0e4736", "4BF92F3577B34DA6A3CE929D0E0E4736");
        var error = Assert.Throws<JsonException>(() => EvidenceRecord.FromJson(json));
        Assert.Contains("4BF92F3577B34DA6A3CE929D0E0E4736", error.Message);
    }

    [Fact]
    public void FromJson_MissingRequiredField_Throws()
    {
        var json = FullRecord(new ManualTimeProvider(Start)).ToJson().Replace("\"isa\": \"avx512\",", "");
        Assert.Throws<JsonException>(() => EvidenceRecord.FromJson(json));
    }
}
