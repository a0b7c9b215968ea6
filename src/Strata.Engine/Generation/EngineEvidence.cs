// Fills an EvidenceRecord with what the substrate, kernels, compiler and engine layers did for one generation.
using Strata.Engine.Runtime;
using Strata.Evidence;
using Strata.Kernels;

namespace Strata.Engine.Generation;

/// <summary>Writes each layer's section of the evidence for a finished generation.</summary>
public static class EngineEvidence
{
    // /proc/cpuinfo does not change while the process runs: read it once, not on every generation.
    private static readonly Lazy<string> CpuModelName = new(() => Substrate.CpuInfo.Detect().ModelName);

    /// <summary>Numerical mode of f32 kernels: weights dequantized in registers, f32 activations and accumulation.</summary>
    public const string ExactMode = "exact-f32";

    /// <summary>Numerical mode of integer matmuls: activations quantized to 8-bit blocks per row (llama.cpp's CPU scheme).</summary>
    public const string QuantizedMode = "q8-activations";

    /// <summary>Sets the substrate, kernels, compiler and engine sections of <paramref name="record"/>.</summary>
    public static void Fill(EvidenceRecord record, ModelRuntime runtime, GenerationResult result, SamplerDescription sampler)
    {
        record.Substrate = new SubstrateSection
        {
            Isa = KernelIsa.Active,
            Threads = runtime.Pool.ThreadCount,
            CpuModel = CpuModelName.Value,
        };
        var choices = new List<KernelChoice>();
        foreach (var (op, kernel) in runtime.Executable.KernelChoices)
        {
            bool quantized = op.StartsWith(nameof(Compiler.Ir.OpKind.MatMulQuantized), StringComparison.Ordinal)
                || op.StartsWith(nameof(Compiler.Ir.OpKind.QuantizeActivations), StringComparison.Ordinal);
            choices.Add(new KernelChoice(op, kernel, quantized ? QuantizedMode : ExactMode));
        }

        record.Kernels = new KernelsSection { Choices = choices };
        var passes = new List<CompilerPass>();
        foreach (string pass in runtime.Executable.Log.Passes)
        {
            var lines = new List<string>();
            foreach (var entry in runtime.Executable.Log.Entries)
            {
                if (entry.Pass == pass)
                {
                    lines.Add(entry.Message);
                }
            }

            passes.Add(new CompilerPass(pass, lines));
        }

        record.Compiler = new CompilerSection
        {
            ExecutableHash = runtime.Executable.ContentHash,
            Passes = passes,
            BufferArenaBytes = runtime.Executable.ArenaFloats * sizeof(float),
        };
        var m = result.Metrics;
        record.Engine = new EngineSection
        {
            ModelPath = runtime.Model.Path,
            ModelSha256 = runtime.Model.FileSha256,
            ModelLoad = LoadText(runtime.Model.Load),
            ModelFileChanged = runtime.Model.FileChanged,
            Architecture = runtime.Model.Spec.Architecture,
            QuantTypes = runtime.Model.TypeHistogram,
            KvType = runtime.KvPool.Half ? "f16" : "f32",
            PromptTokenCount = m.PromptTokens,
            GeneratedTokenCount = m.GeneratedTokens,
            StopReason = StopReasons.Name(result.StopReason),
            SamplerStages = sampler.Stages,
            SamplerSeed = sampler.Seed,
            GrammarSha256 = sampler.GrammarSha256,
            Timings = new EngineTimings
            {
                LoadMs = runtime.LoadMilliseconds,
                PromptMs = m.PromptMilliseconds,
                DecodeMs = m.DecodeMilliseconds,
                TtftMs = m.TimeToFirstTokenMilliseconds,
                PromptTokensPerS = m.PromptTokensPerSecond,
                DecodeTokensPerS = m.DecodeTokensPerSecond,
            },
        };
    }

    /// <summary>The name evidence and health give a way of loading weights: "copy" or "mmap".</summary>
    public static string LoadText(Substrate.FileLoad load) => load == Substrate.FileLoad.Map ? "mmap" : "copy";
}

/// <summary>The sampler chain as evidence sees it.</summary>
/// <param name="Stages">stage descriptions in order</param>
/// <param name="Seed">seed used, if any</param>
/// <param name="GrammarSha256">SHA-256 of the canonical text of the grammar that constrained sampling (<see cref="Grammar.Grammar.Sha256"/>), if any</param>
public sealed record SamplerDescription(IReadOnlyList<string> Stages, ulong? Seed, string? GrammarSha256 = null);
