// Builds the right tokenizer for a GGUF file (by tokenizer.ggml.model / .pre) or for a llama2.c tokenizer.bin.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Tokenizers;

/// <summary>Creates tokenizers from model files.</summary>
public static class TokenizerFactory
{
    /// <summary>The supported values of tokenizer.ggml.model.</summary>
    public static IReadOnlyList<string> SupportedModels { get; } = ["llama", "gpt2", "bert", "gemma4"];

    /// <summary>
    /// Builds the tokenizer described by the GGUF metadata: "llama" → <see cref="SpmTokenizer"/>, "gpt2" →
    /// <see cref="BpeTokenizer"/> (pre-tokenizer from tokenizer.ggml.pre), "gemma4" → <see cref="BpeTokenizer"/> with the
    /// gemma4 pre-tokenizer whatever tokenizer.ggml.pre says (as llama.cpp), "bert" → <see cref="WordPieceTokenizer"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">The model or pre-tokenizer is missing or unsupported, or the vocabulary is malformed.</exception>
    public static GgufTokenizer FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string name = System.IO.Path.GetFileName(file.Path);
        string? model = file.GetString("tokenizer.ggml.model");
        switch (model)
        {
            case "llama":
                return new SpmTokenizer(GgufVocabulary.Load(file, VocabularyDefaults.Spm));
            case "gpt2":
                {
                    string pre = file.GetString("tokenizer.ggml.pre") ?? "default";
                    if (!BpePreTokenizer.TryCreate(pre, out BpePreTokenizer? preTokenizer))
                    {
                        throw new ModelFormatException(
                            $"{name}: tokenizer.ggml.pre '{pre}' is not supported; expected one of {string.Join(", ", BpePreTokenizer.SupportedNames)}");
                    }

                    GgufVocabulary vocabulary = GgufVocabulary.Load(
                        file, VocabularyDefaults.Bpe with { AddBos = preTokenizer.AddsBos });
                    return new BpeTokenizer(vocabulary, ReadMerges(file, name), preTokenizer);
                }

            case "gemma4":
                {
                    BpePreTokenizer.TryCreate("gemma4", out BpePreTokenizer? preTokenizer);
                    GgufVocabulary vocabulary = GgufVocabulary.Load(file, VocabularyDefaults.SentencePieceBpe);
                    return new BpeTokenizer(vocabulary, ReadMerges(file, name), preTokenizer!);
                }

            case "bert":
                return new WordPieceTokenizer(GgufVocabulary.Load(file, VocabularyDefaults.WordPiece));
            case null:
                throw new ModelFormatException($"{name}: metadata 'tokenizer.ggml.model' is missing; expected one of {string.Join(", ", SupportedModels)}");
            default:
                throw new ModelFormatException($"{name}: tokenizer.ggml.model '{model}' is not supported; expected one of {string.Join(", ", SupportedModels)}");
        }
    }

    /// <summary>Loads a llama2.c tokenizer.bin whose vocabulary size comes from the model header.</summary>
    /// <exception cref="ModelFormatException">The file is truncated, has trailing bytes, or holds invalid lengths.</exception>
    public static Llama2cTokenizer FromLlama2c(string path, int vocabSize) => Llama2cTokenizer.Load(path, vocabSize);

    private static string[] ReadMerges(GgufFile file, string name)
    {
        if (!file.TryGetValue("tokenizer.ggml.merges", out GgufValue value) || !value.TryGetArray(out string[] merges))
        {
            throw new ModelFormatException($"{name}: metadata 'tokenizer.ggml.merges' must be a string array for a BPE tokenizer, found nothing usable");
        }

        return merges;
    }
}
