// Reads the llama.cpp goldens scripts/arch-goldens.py wrote (Architectures/data/<case>.json) and regenerates their models.
using System.Text.Json;
using Strata.Engine.Synthesis;

namespace Strata.Engine.Tests.Architectures;

/// <summary>
/// One architecture golden: a random-weight F32 model written by <c>strata synth</c>, a prompt of token ids, and what
/// llama.cpp computed for it: the log-softmax of the logits after the whole prompt (the logits up to one constant) and
/// the 32 ids greedy decoding generates. See data/README.md for how they were made.
/// </summary>
/// <param name="Case">case name (the file name without .json)</param>
/// <param name="Arch">GGUF architecture</param>
/// <param name="Shape">the <c>--shape</c> text the model was synthesised with</param>
/// <param name="Quant">quantization recipe (f32)</param>
/// <param name="Seed">weights seed</param>
/// <param name="ModelSha256">SHA-256 of the model file llama.cpp ran, lower-case hex</param>
/// <param name="Vocab">vocabulary size</param>
/// <param name="Note">what the case exercises and what llama.cpp does with it</param>
/// <param name="PromptIds">prompt token ids (BOS first; llama.cpp adds nothing to a prompt given as ids)</param>
/// <param name="LlamaCppCommit">the llama.cpp commit that produced the golden</param>
/// <param name="ServerCommand">the llama-server command line</param>
/// <param name="FirstStepLogprobs">log-probability of every token id after the prompt, [vocab]</param>
/// <param name="GreedyIds">the greedy continuation, [32]</param>
/// <param name="GreedyTopGaps">at each greedy step, the chosen token's log-probability margin over the runner-up, [32]</param>
public sealed record ArchitectureGolden(string Case, string Arch, string Shape, string Quant, ulong Seed, string ModelSha256, int Vocab,
    string Note, int[] PromptIds, string LlamaCppCommit, string ServerCommand, float[] FirstStepLogprobs, int[] GreedyIds,
    float[] GreedyTopGaps)
{
    private static readonly Lazy<string> DataDirectory = new(FindData);

    /// <summary>Every case name, sorted.</summary>
    public static IReadOnlyList<string> Cases =>
        [.. Directory.GetFiles(DataDirectory.Value, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    /// <summary>The synth options that reproduce the model byte for byte.</summary>
    public SynthOptions Options => new(ModelShape.Parse(Shape, Arch), QuantRecipe.Parse(Quant), Seed);

    /// <summary>Largest minus smallest first-step logit (equal to the log-probabilities' range): the scale of the tolerance.</summary>
    public float LogitRange => FirstStepLogprobs.Max() - FirstStepLogprobs.Min();

    /// <summary>Reads data/<paramref name="caseName"/>.json.</summary>
    /// <exception cref="FileNotFoundException">no such case</exception>
    public static ArchitectureGolden Load(string caseName)
    {
        string path = Path.Combine(DataDirectory.Value, caseName + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var synth = root.GetProperty("synth");
        var llamaCpp = root.GetProperty("llama_cpp");
        return new ArchitectureGolden(
            root.GetProperty("case").GetString()!,
            synth.GetProperty("arch").GetString()!,
            synth.GetProperty("shape").GetString()!,
            synth.GetProperty("quant").GetString()!,
            synth.GetProperty("seed").GetUInt64(),
            root.GetProperty("model_sha256").GetString()!,
            root.GetProperty("vocab").GetInt32(),
            root.GetProperty("note").GetString()!,
            [.. root.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32())],
            llamaCpp.GetProperty("commit").GetString()!,
            llamaCpp.GetProperty("server_command").GetString()!,
            [.. root.GetProperty("first_step_logprobs").EnumerateArray().Select(e => e.GetSingle())],
            [.. root.GetProperty("greedy_ids").EnumerateArray().Select(e => e.GetInt32())],
            [.. root.GetProperty("greedy_top_gaps").EnumerateArray().Select(e => e.GetSingle())]);
    }

    /// <summary>Writes the case's model to <paramref name="path"/> through <see cref="SyntheticModel"/> (the file llama.cpp ran).</summary>
    public void WriteModel(string path) => SyntheticModel.Write(Options, path);

    // data/ beside the test assembly if a build copies it there, else in the source tree above it.
    internal static string FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(dir.FullName, "Architectures", "data"),
                Path.Combine(dir.FullName, "tests", "Strata.Engine.Tests", "Architectures", "data"),
            })
            {
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"Architectures/data not found above {AppContext.BaseDirectory}");
    }
}
