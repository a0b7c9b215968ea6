// Every architecture against llama.cpp 3f545becc on the same random-weight F32 file: first-step logits and 32 greedy ids.
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Kernels;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Architectures;

public sealed class ArchitectureGoldenTests(ITestOutputHelper output)
{
    // The bar: first-step logits within 1e-3 of the logit range (compared as log-softmax, which removes llama.cpp's
    // unknown constant); the greedy ids equal. Exact numerics and an F32 KV cache, as llama.cpp ran (F32 weights, -ctk/-ctv f32).
    private const double RelativeTolerance = 1e-3;

    public static TheoryData<string> Cases() => new(ArchitectureGolden.Cases);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FirstStepLogitsAndGreedyIds_MatchLlamaCpp(string caseName)
    {
        var golden = ArchitectureGolden.Load(caseName);
        string path = Path.Combine(Path.GetTempPath(), $"strata-golden-{caseName}-{Guid.NewGuid():N}.gguf");
        try
        {
            golden.WriteModel(path);
            using var runtime = ModelRuntime.Load(path, null, new EngineOptions(Threads: 2, ContextTokens: 512, Mode: NumericMode.Exact, KvType: GgmlType.F32));
            Assert.Equal(golden.Arch, runtime.Model.Spec.Architecture);
            var request = new GenerationRequest(string.Empty, golden.GreedyIds.Length, new SamplerOptions { Temperature = 0 }, CaptureFirstLogits: true)
            {
                PromptIds = golden.PromptIds,
            };
            using var session = new GenerationSession(runtime, request);
            var result = session.Run();

            var logits = result.FirstStepLogits!;
            Assert.Equal(golden.Vocab, logits.Length);
            double max = logits.Max();
            double sum = 0;
            foreach (float l in logits)
            {
                sum += Math.Exp(l - max);
            }

            double logSum = max + Math.Log(sum);
            double worst = 0;
            int worstId = -1;
            for (int i = 0; i < logits.Length; i++)
            {
                double difference = Math.Abs(logits[i] - logSum - golden.FirstStepLogprobs[i]);
                (worst, worstId) = difference > worst ? (difference, i) : (worst, worstId);
            }

            output.WriteLine($"{caseName}: worst first-step difference {worst:E3} at id {worstId}, {worst / golden.LogitRange:E2} of the range {golden.LogitRange:F2}");
            Assert.True(worst <= RelativeTolerance * golden.LogitRange,
                $"{caseName}: first-step logits differ by {worst:E3} at id {worstId}, over 1e-3 × range {golden.LogitRange:F2}");
            Assert.Equal(golden.GreedyIds, result.Tokens);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
