// The quantized-activation ("fast") path against llama.cpp's own logits, which come from the same 8-bit activation scheme.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Kernels;

namespace Strata.Engine.Tests.Generation;

public sealed class FastModeGoldenTests
{
    // The bar for a path that quantizes activations like llama.cpp; llama.cpp also keeps its KV cache in F16.
    private const double LlamaCppTolerance = 0.25;

    [Theory]
    [InlineData("synth/ci-d256-l4-q8_0.gguf", "synth-ci-d256-l4-q8_0.llamacpp.json")]
    [InlineData("synth/ci-d256-l4-q4_0.gguf", "synth-ci-d256-l4-q4_0.llamacpp.json")]
    [InlineData("synth/ci-d256-l4-q4_0-pure.gguf", "synth-ci-d256-l4-q4_0-pure.llamacpp.json")]
    [InlineData("synth/ci-d256-l4-q4_k_m.gguf", "synth-ci-d256-l4-q4_k_m.llamacpp.json")]
    [InlineData("stories260K.gguf", "stories260K.gguf.llamacpp.json")]
    [InlineData("llama-2-tiny-random.gguf", "llama-2-tiny-random.llamacpp.json")]
    public void FirstStepLogits_FastMode_WithinToleranceOfLlamaCpp(string model, string golden)
    {
        double worst = WorstFirstStepError(model, golden, GgmlType.F32);
        Assert.True(worst <= LlamaCppTolerance, $"{model}: fast-mode first-step logits differ from llama.cpp by {worst:F4}");
    }

    /// <summary>With an f16 KV cache, llama.cpp's own cache type, the logits stay within the same bar.</summary>
    [Theory]
    [InlineData("synth/ci-d256-l4-q8_0.gguf", "synth-ci-d256-l4-q8_0.llamacpp.json")]
    [InlineData("synth/ci-d256-l4-q4_k_m.gguf", "synth-ci-d256-l4-q4_k_m.llamacpp.json")]
    [InlineData("stories260K.gguf", "stories260K.gguf.llamacpp.json")]
    public void FirstStepLogits_FastModeF16Cache_WithinToleranceOfLlamaCpp(string model, string golden)
    {
        double worst = WorstFirstStepError(model, golden, GgmlType.F16);
        Assert.True(worst <= LlamaCppTolerance, $"{model}: fast-mode first-step logits with an f16 cache differ from llama.cpp by {worst:F4}");
    }

    private static double WorstFirstStepError(string model, string golden, GgmlType kvType)
    {
        using var runtime = ModelRuntime.Load(SharedModels.File(model), null,
            new EngineOptions(Threads: 2, ContextTokens: 512, Mode: NumericMode.QuantizedActivations, KvType: kvType));
        Assert.Equal(kvType == GgmlType.F16, runtime.KvPool.Half);
        double worst = 0;
        foreach (var c in GoldenFile.Load(golden))
        {
            if (c.GeneratedTokenIds.Length == 0)
            {
                continue; // tokenization-only case
            }

            var request = new GenerationRequest(c.Prompt, 1, new SamplerOptions { Temperature = 0 }, CaptureFirstLogits: true);
            using var session = new GenerationSession(runtime, request);
            var logits = session.Run().FirstStepLogits!;
            Assert.Equal(c.PromptTokenIds, session.PromptTokens);
            for (int i = 0; i < (c.FirstLogitsIds0To15?.Length ?? 0); i++)
            {
                worst = Math.Max(worst, Math.Abs(c.FirstLogitsIds0To15![i] - logits[i]));
            }

            foreach (var (id, logit) in c.Top5)
            {
                worst = Math.Max(worst, Math.Abs(logit - logits[id]));
            }
        }

        return worst;
    }

    [Fact]
    public void Compile_FastMode_RewritesQuantizedMatMulsAndRecordsIt()
    {
        using var runtime = ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q4_k_m.gguf"), null,
            new EngineOptions(Threads: 1, ContextTokens: 64, Mode: NumericMode.QuantizedActivations));
        var exe = runtime.Executable;
        Assert.Contains("quantize-activations", exe.Log.Passes);
        Assert.DoesNotContain(exe.Steps, s => s.Op == Compiler.Ir.OpKind.MatMul);
        // per layer: attention input (q/k/v share one Q8_K buffer), attention output, ffn input (gate/up share), down; plus logits
        Assert.Equal((4 * 4) + 1, exe.Steps.Count(s => s.Op == Compiler.Ir.OpKind.QuantizeActivations));
        using var exact = ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q4_k_m.gguf"), null, new EngineOptions(Threads: 1, ContextTokens: 64, Mode: NumericMode.Exact));
        Assert.NotEqual(exact.Executable.ContentHash, exe.ContentHash);
    }
}
