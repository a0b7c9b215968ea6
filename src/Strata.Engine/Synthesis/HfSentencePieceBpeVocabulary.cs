// A Hugging Face SentencePiece-style BPE tokenizer (Gemma 3/4 tokenizer.json: ▁ for spaces, <0xXX> byte fallback) as GGUF tokenizer metadata.
using System.Text.Json;
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis;

/// <summary>
/// Writes the <c>tokenizer.*</c> keys llama.cpp's converter writes from a Gemma tokenizer.json (its Gemma4Model.set_vocab,
/// the one route it has from tokenizer.json alone; Gemma 3's route reads tokenizer.model, which a tokenizer.json does not
/// carry): model "gemma4" (BPE over raw UTF-8 with spaces as ▁), tokens by id, scores -1000, merges, add_space_prefix
/// false, add_bos true. Types: &lt;0xXX&gt; tokens BYTE, added tokens marked special CONTROL, all others NORMAL. (llama.cpp
/// marks CONTROL only the special tokens tokenizer_config.json names, which for Gemma 3 leaves &lt;start_of_turn&gt;
/// NORMAL and so unparseable in a chat template; the tokenizer's own special flag is used instead.)
/// </summary>
internal static class HfSentencePieceBpeVocabulary
{
    private const int Normal = 1;
    private const int Control = 3;
    private const int Unused = 5;
    private const int Byte = 6;
    private const float Score = -1000f;

    /// <summary>Whether <paramref name="root"/> is a BPE with byte fallback whose normalizer writes spaces as ▁ without a prefix.</summary>
    public static bool Matches(JsonElement root) =>
        root.GetProperty("model").TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True
        && root.TryGetProperty("normalizer", out var normalizer) && HasNormalizer(normalizer, IsSpaceToMarker);

    /// <summary>Adds the metadata of the tokenizer.json at <paramref name="tokenizerJson"/> (parsed as <paramref name="root"/>); returns the vocabulary size.</summary>
    /// <exception cref="ModelFormatException">the normalizer prepends ▁ (Llama 2 / Mistral style), which needs a space prefix this model type lacks</exception>
    public static int Add(GgufWriter writer, JsonElement root, string tokenizerJson)
    {
        string name = Path.GetFileName(tokenizerJson);
        if (HasNormalizer(root.GetProperty("normalizer"), n => Type(n) == "Prepend"))
        {
            throw new ModelFormatException(
                $"{name}: the normalizer prepends '\u2581' (a SentencePiece dummy prefix, Llama 2 / Mistral style); only Gemma-style tokenizers without one convert from tokenizer.json");
        }

        var model = root.GetProperty("model");
        var byId = new Dictionary<int, (string Text, int Type)>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = (entry.Name, IsByteToken(entry.Name) ? Byte : Normal);
        }

        foreach (var added in root.GetProperty("added_tokens").EnumerateArray())
        {
            string text = added.GetProperty("content").GetString()!;
            byId[added.GetProperty("id").GetInt32()] = (text, added.GetProperty("special").GetBoolean() ? Control : IsByteToken(text) ? Byte : Normal);
        }

        int size = 0;
        foreach (int id in byId.Keys)
        {
            size = Math.Max(size, id + 1);
        }

        var tokens = new string[size];
        var types = new int[size];
        var scores = new float[size];
        var ids = new Dictionary<string, int>(size);
        for (int id = 0; id < size; id++)
        {
            (tokens[id], types[id]) = byId.TryGetValue(id, out var t) ? t : ($"[PAD{id}]", Unused);
            scores[id] = Score;
            ids.TryAdd(tokens[id], id);
        }

        writer.Add("tokenizer.ggml.model", "gemma4")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.merges", HfTokenizerVocabulary.Merges(model))
            .Add("tokenizer.ggml.add_space_prefix", false);
        HfTokenizerVocabulary.AddConfig(writer, tokenizerJson, ids, root, addBos: true);
        return size;
    }

    // The normalizer itself or, for a Sequence, one of its steps satisfies the test.
    private static bool HasNormalizer(JsonElement normalizer, Func<JsonElement, bool> test)
    {
        if (normalizer.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (Type(normalizer) == "Sequence" && normalizer.TryGetProperty("normalizers", out var steps))
        {
            foreach (var step in steps.EnumerateArray())
            {
                if (HasNormalizer(step, test))
                {
                    return true;
                }
            }

            return false;
        }

        return test(normalizer);
    }

    // {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}
    private static bool IsSpaceToMarker(JsonElement normalizer) =>
        Type(normalizer) == "Replace"
        && normalizer.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
        && pattern.TryGetProperty("String", out var from) && from.GetString() == " "
        && normalizer.TryGetProperty("content", out var to) && to.GetString() == "\u2581";

    private static string? Type(JsonElement element) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' && char.IsAsciiHexDigit(text[3]) && char.IsAsciiHexDigit(text[4]);
}
