// The token list, scores, types and special ids of a GGUF tokenizer, read and validated from metadata.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// Vocabulary shared by the GGUF tokenizers: token texts (lookup is last-wins for duplicate texts, like llama.cpp's
/// token_to_id), optional scores and types, special ids and the add-BOS/EOS/space-prefix flags.
/// </summary>
internal sealed class GgufVocabulary
{
    private readonly Dictionary<string, int> _idsByText;

    private GgufVocabulary(string[] texts, float[] scores, GgufTokenType[] types)
    {
        Texts = texts;
        Scores = scores;
        Types = types;
        _idsByText = new Dictionary<string, int>(texts.Length, StringComparer.Ordinal);
        for (int i = 0; i < texts.Length; i++)
        {
            _idsByText[texts[i]] = i;
            MaxTokenChars = Math.Max(MaxTokenChars, texts[i].Length);
        }

        Lookup = _idsByText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Token texts by id.</summary>
    public string[] Texts { get; }

    /// <summary>Token scores by id (zeros when the file has none).</summary>
    public float[] Scores { get; }

    /// <summary>Token types by id (Normal when the file has none).</summary>
    public GgufTokenType[] Types { get; }

    /// <summary>Text → id lookup by span.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    /// <summary>Longest token text in UTF-16 code units.</summary>
    public int MaxTokenChars { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Texts.Length;

    /// <summary>BOS id or -1.</summary>
    public int BosId { get; private set; }

    /// <summary>EOS id or -1.</summary>
    public int EosId { get; private set; }

    /// <summary>UNK id or -1.</summary>
    public int UnknownId { get; private set; }

    /// <summary>SEP id or -1.</summary>
    public int SeparatorId { get; private set; }

    /// <summary>EOT id or -1.</summary>
    public int EndOfTurnId { get; private set; }

    /// <summary>EOM id or -1.</summary>
    public int EndOfMessageId { get; private set; }

    /// <summary>Whether add_special adds BOS.</summary>
    public bool AddBos { get; private set; }

    /// <summary>Whether add_special adds EOS.</summary>
    public bool AddEos { get; private set; }

    /// <summary>Whether SPM prepends a space to text.</summary>
    public bool AddSpacePrefix { get; private set; }

    /// <summary>Lower-cased general.name (used for llama.cpp's per-model token attribute rules).</summary>
    public string ModelName { get; private set; } = string.Empty;

    /// <summary>Returns the id of a token text, or -1.</summary>
    public int Find(ReadOnlySpan<char> text) => Lookup.TryGetValue(text, out int id) ? id : -1;

    /// <summary>Reads tokens, scores, types and special ids from GGUF metadata.</summary>
    public static GgufVocabulary Load(GgufFile file, VocabularyDefaults defaults)
    {
        string name = System.IO.Path.GetFileName(file.Path);
        if (!file.TryGetValue("tokenizer.ggml.tokens", out GgufValue tokensValue) || !tokensValue.TryGetArray(out string[] texts))
        {
            throw new ModelFormatException($"{name}: metadata 'tokenizer.ggml.tokens' must be a string array, found {Describe(file, "tokenizer.ggml.tokens")}");
        }

        if (texts.Length == 0)
        {
            throw new ModelFormatException($"{name}: 'tokenizer.ggml.tokens' must hold at least one token, found 0");
        }

        texts = (string[])texts.Clone();
        for (int i = 0; i < texts.Length; i++)
        {
            if (texts[i].Length == 0)
            {
                texts[i] = $"[EMPTY_{i}]";
            }
        }

        float[] scores = new float[texts.Length];
        if (file.TryGetValue("tokenizer.ggml.scores", out GgufValue scoresValue))
        {
            if (!scoresValue.TryGetArray(out float[] fileScores) || fileScores.Length != texts.Length)
            {
                throw new ModelFormatException(
                    $"{name}: 'tokenizer.ggml.scores' must be a float32 array of {texts.Length} entries, found {scoresValue.Type} {scoresValue}");
            }

            scores = fileScores;
        }

        var types = new GgufTokenType[texts.Length];
        Array.Fill(types, GgufTokenType.Normal);
        if (file.TryGetValue("tokenizer.ggml.token_type", out GgufValue typesValue))
        {
            if (!typesValue.TryGetArray(out int[] fileTypes) || fileTypes.Length != texts.Length)
            {
                throw new ModelFormatException(
                    $"{name}: 'tokenizer.ggml.token_type' must be an int32 array of {texts.Length} entries, found {typesValue.Type} {typesValue}");
            }

            for (int i = 0; i < fileTypes.Length; i++)
            {
                types[i] = fileTypes[i] is >= 0 and <= 6 ? (GgufTokenType)fileTypes[i] : GgufTokenType.Undefined;
            }
        }

        var vocab = new GgufVocabulary(texts, scores, types)
        {
            BosId = SpecialId(file, "tokenizer.ggml.bos_token_id", defaults.BosId, texts.Length),
            EosId = SpecialId(file, "tokenizer.ggml.eos_token_id", defaults.EosId, texts.Length),
            UnknownId = SpecialId(file, "tokenizer.ggml.unknown_token_id", defaults.UnknownId, texts.Length),
            SeparatorId = SpecialId(file, "tokenizer.ggml.seperator_token_id", defaults.SeparatorId, texts.Length),
            EndOfTurnId = SpecialId(file, "tokenizer.ggml.eot_token_id", -1, texts.Length),
            EndOfMessageId = SpecialId(file, "tokenizer.ggml.eom_token_id", -1, texts.Length),
            AddBos = Flag(file, "tokenizer.ggml.add_bos_token", defaults.AddBos),
            AddEos = Flag(file, "tokenizer.ggml.add_eos_token", defaults.AddEos),
            AddSpacePrefix = Flag(file, "tokenizer.ggml.add_space_prefix", defaults.AddSpacePrefix),
            ModelName = (file.GetString("general.name") ?? string.Empty).ToLowerInvariant(),
        };
        return vocab;
    }

    private static int SpecialId(GgufFile file, string key, int fallback, int count)
    {
        if (fallback >= count)
        {
            fallback = -1;
        }

        if (!file.TryGetValue(key, out GgufValue value))
        {
            return fallback;
        }

        if (!value.TryGetInt64(out long id))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(file.Path)}: metadata '{key}' must be an integer token id, found {value.Type} '{value}'");
        }

        // llama.cpp ignores out-of-range ids (converters write 0xFFFFFFFF for "none") and keeps the default.
        return id >= 0 && id < count ? (int)id : fallback;
    }

    private static bool Flag(GgufFile file, string key, bool fallback)
    {
        if (!file.TryGetValue(key, out GgufValue value))
        {
            return fallback;
        }

        if (!value.TryGetBool(out bool flag))
        {
            throw new ModelFormatException($"{System.IO.Path.GetFileName(file.Path)}: metadata '{key}' must be a bool, found {value.Type} '{value}'");
        }

        return flag;
    }

    private static string Describe(GgufFile file, string key) =>
        file.TryGetValue(key, out GgufValue value) ? $"{value.Type} {value}" : "nothing";
}
