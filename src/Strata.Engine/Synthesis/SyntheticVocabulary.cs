// A SentencePiece-style vocabulary for synthetic models: specials, the 256 byte tokens, then filler pieces.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis;

/// <summary>Writes tokenizer.* metadata for a "llama" (SPM) vocabulary of the given size.</summary>
internal static class SyntheticVocabulary
{
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;
    private const int Byte = 6;

    public static void Add(GgufWriter writer, int size)
    {
        var tokens = new string[size];
        var scores = new float[size];
        var types = new int[size];
        tokens[0] = "<unk>";
        types[0] = Unknown;
        tokens[1] = "<s>";
        types[1] = Control;
        tokens[2] = "</s>";
        types[2] = Control;
        for (int b = 0; b < 256; b++)
        {
            tokens[3 + b] = $"<0x{b:X2}>";
            types[3 + b] = Byte;
        }

        for (int i = 259; i < size; i++)
        {
            tokens[i] = $"\u2581w{i}";
            scores[i] = -i;
            types[i] = Normal;
        }

        writer.Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.ggml.unknown_token_id", 0u);
    }
}
