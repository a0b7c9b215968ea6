// The engine against references no one here wrote: run.c, llama.cpp and the float64 numpy goldens.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Kernels;

namespace Strata.Engine.Tests.Generation;

public sealed class GoldenGenerationTests
{
    // f32 math against float64 (npref) or f32 (run.c) references: logits agree to ~1e-5; the bar is 1e-3.
    private const double LogitTolerance = 1e-3;

    public static TheoryData<string, string?, string> Models => new()
    {
        { "stories260K.bin", "tok512.bin", "stories260K.bin.runc.json" },
        { "stories260K.gguf", null, "stories260K.gguf.npref.json" },
        { "llama-2-tiny-random.gguf", null, "llama-2-tiny-random.npref.json" },
        { "synth/ci-d256-l4-q8_0.gguf", null, "synth-ci-d256-l4-q8_0.npref.json" },
        { "synth/ci-d256-l4-q4_0.gguf", null, "synth-ci-d256-l4-q4_0.npref.json" },
        { "synth/ci-d256-l4-q4_0-pure.gguf", null, "synth-ci-d256-l4-q4_0-pure.npref.json" },
        { "synth/ci-d256-l4-q4_k_m.gguf", null, "synth-ci-d256-l4-q4_k_m.npref.json" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Generate_Greedy_MatchesGoldenIdsAndLogits(string model, string? tokenizer, string golden)
    {
        // Exact numerics (not the default): these goldens are exact-math references (llama2.c's run.c, numpy).
        using var runtime = ModelRuntime.Load(SharedModels.File(model), tokenizer is null ? null : SharedModels.File(tokenizer),
            new EngineOptions(Threads: 2, ContextTokens: 512, Mode: NumericMode.Exact));
        foreach (var c in GoldenFile.Load(golden))
        {
            var request = new GenerationRequest(c.Prompt, c.GeneratedTokenIds.Length, new SamplerOptions { Temperature = 0 },
                CaptureFirstLogits: true);
            using var session = new GenerationSession(runtime, request);
            var result = session.Run();

            Assert.Equal(c.PromptTokenIds, result.PromptTokens);
            AssertLogits(c, result.FirstStepLogits!);
            Assert.Equal(c.GeneratedTokenIds, result.Tokens);
            Assert.Equal(StopReason.MaxTokens, result.StopReason);
        }
    }

    private static void AssertLogits(GoldenCase c, float[] logits)
    {
        double worst = 0;
        if (c.FirstStepLogits is { } full)
        {
            Assert.Equal(full.Length, logits.Length);
            for (int i = 0; i < full.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(full[i] - logits[i]));
            }
        }

        if (c.FirstLogitsIds0To15 is { } head)
        {
            for (int i = 0; i < head.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(head[i] - logits[i]));
            }
        }

        foreach (var (id, logit) in c.Top5)
        {
            worst = Math.Max(worst, Math.Abs(logit - logits[id]));
        }

        Assert.True(worst <= LogitTolerance, $"case '{c}': first-step logits differ by {worst:E3} (> {LogitTolerance})");
    }

    public static TheoryData<string, string> LlamaCppTokenization => new()
    {
        { "stories260K.gguf", "stories260K.gguf.llamacpp.json" },
        { "llama-2-tiny-random.gguf", "llama-2-tiny-random.llamacpp.json" },
        { "synth/ci-d256-l4-q8_0.gguf", "synth-ci-d256-l4-q8_0.llamacpp.json" },
        { "synth/ci-d256-l4-q4_k_m.gguf", "synth-ci-d256-l4-q4_k_m.llamacpp.json" },
    };

    [Theory]
    [MemberData(nameof(LlamaCppTokenization))]
    public void Tokenize_ModelsOwnVocabulary_MatchesLlamaCppExactly(string model, string golden)
    {
        using var artifact = Strata.Engine.Artifacts.ModelArtifact.Open(SharedModels.File(model));
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(SharedModels.File(Path.Combine("golden", golden))));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string prompt = c.GetProperty("prompt").GetString()!;
            int[] withBos = c.GetProperty("prompt_token_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            int[] withoutBos = c.GetProperty("prompt_token_ids_no_bos").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(withBos, artifact.Tokenizer.Encode(prompt, addSpecial: true));
            Assert.Equal(withoutBos, artifact.Tokenizer.Encode(prompt, addSpecial: false));
        }
    }
}
