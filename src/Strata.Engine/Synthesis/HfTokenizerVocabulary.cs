// A Hugging Face BPE tokenizer (tokenizer.json + tokenizer_config.json) as GGUF tokenizer metadata, chat template included.
using System.Text.Json;
using Strata.Engine.Artifacts;

namespace Strata.Engine.Synthesis;

/// <summary>
/// Writes the <c>tokenizer.*</c> keys llama.cpp's converter writes for a byte-level BPE model (Qwen 2/3/3.5, Llama 3): model
/// "gpt2", the pre-tokenizer named by its split regex, tokens (ids without a token become "[PAD{id}]", unused), types
/// (special added tokens control, other added tokens user-defined), merges, BOS/EOS from tokenizer_config.json, and its
/// <c>chat_template</c>. So a synthetic model can carry a real 128k–262k vocabulary and a real chat template.
/// A Gemma-style tokenizer.json (▁ for spaces, byte fallback) is written by <see cref="HfSentencePieceBpeVocabulary"/>.
/// </summary>
internal static class HfTokenizerVocabulary
{
    private const int Normal = 1;
    private const int Control = 3;
    private const int UserDefined = 4;
    private const int Unused = 5;

    // The split regexes of the pre-tokenizers we can name (tokenizer.json's Split pattern, as the converter matches them).
    private static readonly (string Pre, string Regex)[] KnownSplits =
    [
        ("qwen2", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
        ("llama-bpe", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
        ("qwen35", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    ];

    /// <summary>Adds the metadata of <paramref name="tokenizerJson"/> (and the tokenizer_config.json beside it); returns the vocabulary size.</summary>
    /// <exception cref="ModelFormatException">the tokenizer is not a byte-level BPE with a known pre-tokenizer</exception>
    public static int Add(GgufWriter writer, string tokenizerJson)
    {
        string name = Path.GetFileName(tokenizerJson);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() == "BPE" && HfSentencePieceBpeVocabulary.Matches(root))
        {
            return HfSentencePieceBpeVocabulary.Add(writer, root, tokenizerJson);
        }

        if (model.GetProperty("type").GetString() != "BPE" || !root.GetProperty("pre_tokenizer").GetRawText().Contains("ByteLevel", StringComparison.Ordinal))
        {
            throw new ModelFormatException(
                $"{name}: expected a byte-level BPE tokenizer (Qwen 2/3/3.5, Llama 3) or a Gemma-style BPE with byte fallback; found model type '{model.GetProperty("type").GetString()}'");
        }

        var byId = new Dictionary<int, (string Text, int Type)>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = (entry.Name, Normal);
        }

        foreach (var added in root.GetProperty("added_tokens").EnumerateArray())
        {
            byId[added.GetProperty("id").GetInt32()] = (added.GetProperty("content").GetString()!,
                added.GetProperty("special").GetBoolean() ? Control : UserDefined);
        }

        int size = 0;
        foreach (int id in byId.Keys)
        {
            size = Math.Max(size, id + 1);
        }

        var tokens = new string[size];
        var types = new int[size];
        var ids = new Dictionary<string, int>(size);
        for (int id = 0; id < size; id++)
        {
            (tokens[id], types[id]) = byId.TryGetValue(id, out var t) ? t : ($"[PAD{id}]", Unused);
            ids.TryAdd(tokens[id], id);
        }

        writer.Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", PreTokenizer(root, name))
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.merges", Merges(model));
        AddConfig(writer, tokenizerJson, ids, root, addBos: null);
        return size;
    }

    private static string PreTokenizer(JsonElement root, string name)
    {
        var pre = root.GetProperty("pre_tokenizer");
        var splits = pre.TryGetProperty("pretokenizers", out var list) ? list.EnumerateArray().ToArray() : [pre];
        foreach (var split in splits)
        {
            if (split.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
            {
                foreach (var (known, text) in KnownSplits)
                {
                    if (regex.GetString() == text)
                    {
                        return known;
                    }
                }
            }
        }

        throw new ModelFormatException($"{name}: the pre-tokenizer's split regex is not one of {KnownSplits.Length} known ones (qwen2, llama-bpe, qwen35)");
    }

    /// <summary>
    /// The merges as GGUF "left right" strings; a space inside a pair's part is written as U+0120 (gguf-py's encoding of
    /// the list-of-pairs format).
    /// </summary>
    internal static string[] Merges(JsonElement model)
    {
        var merges = new List<string>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            merges.Add(merge.ValueKind == JsonValueKind.String
                ? merge.GetString()!
                : $"{merge[0].GetString()!.Replace(' ', '\u0120')} {merge[1].GetString()!.Replace(' ', '\u0120')}");
        }

        return merges.ToArray();
    }

    /// <summary>
    /// From the tokenizer_config.json beside <paramref name="tokenizerJson"/>: BOS/EOS/UNK/PAD ids, add_bos (from the config,
    /// or a TemplateProcessing post-processor that starts with BOS; <paramref name="addBos"/> overrides both) and the chat
    /// template. Without a config only a given <paramref name="addBos"/> is written.
    /// </summary>
    internal static void AddConfig(GgufWriter writer, string tokenizerJson, Dictionary<string, int> ids, JsonElement tokenizer, bool? addBos)
    {
        string configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerJson))!, "tokenizer_config.json");
        if (!File.Exists(configPath))
        {
            if (addBos is { } forced)
            {
                writer.Add("tokenizer.ggml.add_bos_token", forced);
            }

            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        var config = doc.RootElement;
        if (TokenText(config, "bos_token") is { } bos && ids.TryGetValue(bos, out int bosId))
        {
            writer.Add("tokenizer.ggml.bos_token_id", (uint)bosId);
        }

        if (TokenText(config, "eos_token") is { } eos && ids.TryGetValue(eos, out int eosId))
        {
            writer.Add("tokenizer.ggml.eos_token_id", (uint)eosId);
        }

        if (TokenText(config, "unk_token") is { } unk && ids.TryGetValue(unk, out int unkId))
        {
            writer.Add("tokenizer.ggml.unknown_token_id", (uint)unkId);
        }

        if (TokenText(config, "pad_token") is { } pad && ids.TryGetValue(pad, out int padId))
        {
            writer.Add("tokenizer.ggml.padding_token_id", (uint)padId);
        }

        bool addsBos = addBos ?? (config.TryGetProperty("add_bos_token", out var add) && add.ValueKind == JsonValueKind.True
            || (tokenizer.TryGetProperty("post_processor", out var post) && post.GetRawText().Contains("\"single\":[{\"SpecialToken\"", StringComparison.Ordinal)));
        writer.Add("tokenizer.ggml.add_bos_token", addsBos);
        if (config.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String)
        {
            writer.Add("tokenizer.chat_template", template.GetString()!);
        }
    }

    private static string? TokenText(JsonElement config, string key) =>
        !config.TryGetProperty(key, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) ? c.GetString()
        : null;
}
