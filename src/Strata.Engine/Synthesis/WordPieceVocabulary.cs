// A BERT WordPiece vocabulary (vocab.txt) written as llama.cpp's converter writes it: the "bert" tokenizer model over
// "phantom space" tokens.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis;

/// <summary>
/// Reads a vocab.txt (one token per line, ids by line) and writes tokenizer.* metadata as llama.cpp's BertModel converter
/// does: tokenizer model "bert"; each bracketed special ([PAD], [UNK], [CLS], [SEP], [MASK]) kept as a control token,
/// every other token turned to its phantom-space form (a word start gets "▁", a "##" continuation loses the "##");
/// the special ids named; two token types (type_vocab_size of BERT).
/// </summary>
internal static class WordPieceVocabulary
{
    private const int Normal = 1;
    private const int Control = 3;
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>Adds the vocabulary; returns its size.</summary>
    /// <exception cref="ModelFormatException">the file is empty, repeats a token or lacks [CLS], [SEP] or [UNK]</exception>
    public static int Add(GgufWriter writer, string path)
    {
        string[] lines = File.ReadAllLines(path);
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--; // a trailing newline
        }

        if (count == 0)
        {
            throw new ModelFormatException($"{Path.GetFileName(path)}: no tokens (a WordPiece vocab.txt has one token per line)");
        }

        var tokens = new string[count];
        var types = new int[count];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string token = lines[i];
            if (!ids.TryAdd(token, i))
            {
                throw new ModelFormatException($"{Path.GetFileName(path)}: line {i + 1} repeats the token '{token}' of line {ids[token] + 1}");
            }

            bool special = Array.IndexOf(Specials, token) >= 0;
            types[i] = special ? Control : Normal;
            tokens[i] = special ? token : token.StartsWith("##", StringComparison.Ordinal) ? token[2..] : "\u2581" + token;
        }

        uint Id(string special) => ids.TryGetValue(special, out int id)
            ? (uint)id
            : throw new ModelFormatException($"{Path.GetFileName(path)}: no {special} token (a BERT vocabulary has [CLS], [SEP] and [UNK])");

        writer.Add("tokenizer.ggml.model", "bert")
            .Add("tokenizer.ggml.pre", "default")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.token_type_count", 2u)
            .Add("tokenizer.ggml.cls_token_id", Id("[CLS]"))
            .Add("tokenizer.ggml.seperator_token_id", Id("[SEP]")) // sic: llama.cpp's key
            .Add("tokenizer.ggml.unknown_token_id", Id("[UNK]"));
        if (ids.TryGetValue("[PAD]", out int pad))
        {
            writer.Add("tokenizer.ggml.padding_token_id", (uint)pad);
        }

        if (ids.TryGetValue("[MASK]", out int mask))
        {
            writer.Add("tokenizer.ggml.mask_token_id", (uint)mask);
        }

        return count;
    }
}
