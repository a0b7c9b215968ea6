// Writes random-weight models of realistic shape as GGUF in llama.cpp's architectures, quantized by our own quantizers (`strata synth`).
using Strata.Engine.Artifacts;
using Strata.Engine.Synthesis.Architectures;

namespace Strata.Engine.Synthesis;

/// <summary>What to synthesise.</summary>
/// <param name="Shape">architecture and decoder dimensions</param>
/// <param name="Quant">file quantization recipe</param>
/// <param name="Seed">weights seed; the same seed gives the same bytes on any machine and thread count</param>
/// <param name="VocabularyFrom">GGUF whose tokenizer.* metadata is copied, or a Hugging Face tokenizer.json (byte-level BPE, with the
/// tokenizer_config.json beside it) converted as llama.cpp's converter does; its vocabulary size replaces the shape's</param>
public sealed record SynthOptions(ModelShape Shape, QuantRecipe Quant, ulong Seed, string? VocabularyFrom = null);

/// <summary>
/// Random weights of a realistic shape in any architecture of <see cref="ArchitectureNames"/>, with the CI models' scales
/// (embedding std 1, or 3/√d when other architectures than llama tie it to the output; projections 1/√(input width);
/// output 3/√d; norms 1 + 0.1·N(0,1)), so logits are peaked like a trained model's; each architecture writes exactly the
/// metadata keys and tensors llama.cpp reads for it. Rows are generated in parallel from per-row seeds.
/// </summary>
public static class SyntheticModel
{
    /// <summary>The architectures <see cref="ModelShape.Architecture"/> may name.</summary>
    public static IReadOnlyList<string> ArchitectureNames => SynthArchitectures.Names;

    /// <summary>Writes the model to <paramref name="path"/>; returns the tensor type histogram.</summary>
    /// <exception cref="ArgumentException">the shape does not fit its architecture; the message says how</exception>
    public static IReadOnlyDictionary<string, int> Write(SynthOptions options, string path)
    {
        var shape = options.Shape;
        var architecture = SynthArchitectures.Get(shape.Architecture);
        architecture.Validate(shape);
        var writer = new GgufWriter();
        shape = shape with { Vocab = AddVocabulary(writer, options, shape.Vocab) };
        // The name leaves the architecture out: llama.cpp keys tokenizer fix-ups on general.name (a "phi3" in it makes the
        // loader look up Phi-3's special tokens, which a synthetic vocabulary lacks).
        writer.Add("general.architecture", shape.Architecture)
            .Add("general.name", $"strata-synth-d{shape.Dim}-l{shape.Layers}-{options.Quant.Name}")
            .Add("general.file_type", options.Quant.FileType)
            .Add("general.quantization_version", 2u);
        architecture.AddHyperParameters(writer, shape);
        var tensors = new SyntheticTensors(writer, options.Quant, options.Seed, shape);
        architecture.AddTensors(tensors, shape);
        writer.Write(path);
        return tensors.Histogram;
    }

    private static int AddVocabulary(GgufWriter writer, SynthOptions options, int vocab)
    {
        if (options.VocabularyFrom is null)
        {
            SyntheticVocabulary.Add(writer, vocab);
            return vocab;
        }

        if (options.VocabularyFrom.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return WordPieceVocabulary.Add(writer, options.VocabularyFrom);
        }

        if (options.VocabularyFrom.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return HfTokenizerVocabulary.Add(writer, options.VocabularyFrom);
        }

        using var source = GgufFile.Open(options.VocabularyFrom);
        int count = -1;
        foreach (var (key, value) in source.Metadata)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal))
            {
                writer.Add(key, value);
                count = key == "tokenizer.ggml.tokens" ? (int)value.Count : count;
            }
        }

        return count > 0
            ? count
            : throw new ModelFormatException($"{Path.GetFileName(options.VocabularyFrom)}: no tokenizer.ggml.tokens to borrow a vocabulary from");
    }
}
