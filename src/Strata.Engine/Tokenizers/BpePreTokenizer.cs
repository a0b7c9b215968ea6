// The pre-tokenizer (regex split) for each tokenizer.ggml.pre value, reproducing llama.cpp's per-model regex lists.
using System.Diagnostics.CodeAnalysis;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// Splits text into words before BPE. Each llama.cpp regex list is reproduced by <see cref="SplitRule"/> passes with the
/// same semantics (std::regex leftmost matching over code points, \p{..} classes per Unicode category, \s = White_Space).
/// The llama3, qwen2, qwen35 and gemma4 families are checked by llama.cpp's vectors on vocabularies converted from
/// tokenizer.json. "gemma4" is SentencePiece-style BPE: spaces become ▁, words stay raw UTF-8 (no GPT-2 byte alphabet),
/// and only newline runs are split off.
/// </summary>
internal sealed class BpePreTokenizer
{
    private static readonly (int First, int Last)[] DeepSeekLetterRanges = BuildDeepSeekLetterRanges();

    private readonly SplitRule[] _rules;

    private BpePreTokenizer(string name, SplitRule[] rules, bool llamaThreeFamily, bool gemmaFour)
    {
        Name = name;
        _rules = rules;
        IgnoresMerges = llamaThreeFamily;
        AddsBos = llamaThreeFamily || gemmaFour;
        ForcesBos = gemmaFour;
        ByteLevel = !gemmaFour;
        EscapesWhitespace = gemmaFour;
        NewlineRunsWhole = gemmaFour;
    }

    /// <summary>Every accepted tokenizer.ggml.pre value.</summary>
    public static IReadOnlyList<string> SupportedNames { get; } =
    [
        "default", "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code",
        "roberta-bpe", "mpt", "olmo", "jais", "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b",
        "falcon", "deepseek-llm", "deepseek-coder", "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "qwen2",
        "deepseek-r1-qwen", "megrez", "stablelm2", "qwen35", "gemma4",
    ];

    /// <summary>Whether a word that is itself a token skips merging (llama.cpp's ignore_merges, Llama 3).</summary>
    public bool IgnoresMerges { get; }

    /// <summary>Whether llama.cpp defaults add_bos to true for this pre-tokenizer (Llama 3, Gemma 4).</summary>
    public bool AddsBos { get; }

    /// <summary>Whether llama.cpp adds BOS even when tokenizer.ggml.add_bos_token is false (its Gemma 4 workaround).</summary>
    public bool ForcesBos { get; }

    /// <summary>Whether words are written in the GPT-2 byte alphabet (llama.cpp's byte_encode); false: raw code points.</summary>
    public bool ByteLevel { get; }

    /// <summary>Whether spaces become ▁ (U+2581) before splitting (llama.cpp's escape_whitespaces, Gemma 4).</summary>
    public bool EscapesWhitespace { get; }

    /// <summary>Whether a word of newlines only that is itself a token skips merging (llama.cpp's Gemma 4 fix).</summary>
    public bool NewlineRunsWhole { get; }

    /// <summary>The tokenizer.ggml.pre value.</summary>
    public string Name { get; }

    /// <summary>Creates the pre-tokenizer for a tokenizer.ggml.pre value.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out BpePreTokenizer? preTokenizer)
    {
        SplitRule[]? rules = name switch
        {
            "gpt-2" or "phi-2" or "jina-es" or "jina-de" or "gigachat" or "jina-v1-en" or "jina-v2-es" or "jina-v2-de"
                or "jina-v2-code" or "roberta-bpe" or "mpt" or "olmo" or "jais" => [new GptTwoSplitRule()],
            "starcoder" or "refact" or "command-r" or "smollm" or "codeshell" or "exaone" or "minerva-7b" =>
                [Run(UnicodeClass.IsNumber, exactCount: 1), new GptTwoSplitRule()],
            "falcon" =>
                [Run(IsFalconPunctuation), new GptTwoSplitRule(), Run(IsAsciiDigit, exactCount: 3)],
            "deepseek-llm" =>
                [
                    Run(IsCarriageReturnOrNewline, exactCount: 1),
                    Run(IsDeepSeekLetter, optionalLeadingWhitespace: true),
                    Run(IsDeepSeekPunctuation, optionalLeadingWhitespace: true),
                    new TrailingWhitespaceSplitRule(),
                    Run(IsCjk),
                    Run(UnicodeClass.IsNumber),
                ],
            "deepseek-coder" =>
                [
                    Run(IsCarriageReturnOrNewline, exactCount: 1),
                    Run(UnicodeClass.IsLetter, optionalLeadingWhitespace: true),
                    Run(UnicodeClass.IsPunctuation, optionalLeadingWhitespace: true),
                    Run(IsCjk),
                    Run(UnicodeClass.IsNumber, exactCount: 1),
                ],
            "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "dbrx" or "smaug-bpe" => [new LlamaThreeSplitRule(3)],
            "qwen2" or "deepseek-r1-qwen" or "megrez" or "stablelm2" => [new LlamaThreeSplitRule(1)],
            "qwen35" => [new LlamaThreeSplitRule(1, marksAreLetters: true)],
            "gemma4" => [new NewlineRunSplitRule()],
            "default" =>
                [
                    Run(IsDefaultPunctuation),
                    new GptTwoSplitRule(),
                    Run(UnicodeClass.IsNumber),
                    Run(IsAsciiDigit, exactCount: 3),
                ],
            _ => null,
        };

        bool llamaThree = name is "llama3" or "llama-v3" or "llama-bpe" or "falcon3";
        preTokenizer = rules is null ? null : new BpePreTokenizer(name, rules, llamaThree, gemmaFour: name == "gemma4");
        return preTokenizer is not null;
    }

    /// <summary>Splits code points into words; appends word lengths (in code points) to <paramref name="lengths"/>.</summary>
    public void Split(ReadOnlySpan<int> codepoints, List<int> lengths, List<int> scratch)
    {
        lengths.Clear();
        if (codepoints.IsEmpty)
        {
            return;
        }

        lengths.Add(codepoints.Length);
        foreach (SplitRule rule in _rules)
        {
            scratch.Clear();
            int start = 0;
            foreach (int length in lengths)
            {
                rule.SplitChunk(codepoints, start, start + length, scratch);
                start += length;
            }

            lengths.Clear();
            lengths.AddRange(scratch);
        }
    }

    private static ClassRunSplitRule Run(Func<int, bool> member, bool optionalLeadingWhitespace = false, int exactCount = 0) =>
        new(member, optionalLeadingWhitespace, exactCount);

    private static bool IsAsciiDigit(int cp) => (uint)(cp - '0') <= 9;

    private static bool IsCarriageReturnOrNewline(int cp) => cp is '\r' or '\n';

    // [\p{P}\$\+<=>\^~\|`]
    private static bool IsFalconPunctuation(int cp) => cp is '$' or '+' or '<' or '=' or '>' or '^' or '~' or '|' or '`' || UnicodeClass.IsPunctuation(cp);

    // [\p{P}\$\+<=>\^~\|]
    private static bool IsDefaultPunctuation(int cp) => cp is '$' or '+' or '<' or '=' or '>' or '^' or '~' or '|' || UnicodeClass.IsPunctuation(cp);

    // [一-龥ࠀ-一가-퟿]
    private static bool IsCjk(int cp) => cp is (>= 0x4E00 and <= 0x9FA5) or (>= 0x0800 and <= 0x4E00) or (>= 0xAC00 and <= 0xD7FF);

    // [!-/:-~！-／：-～‘-‟　-。]
    private static bool IsDeepSeekPunctuation(int cp) =>
        cp is (>= 0x21 and <= 0x2F) or (>= 0x3A and <= 0x7E) or (>= 0xFF01 and <= 0xFF0F) or (>= 0xFF1A and <= 0xFF5E)
            or (>= 0x2018 and <= 0x201F) or (>= 0x3000 and <= 0x3002);

    private static bool IsDeepSeekLetter(int cp)
    {
        (int First, int Last)[] ranges = DeepSeekLetterRanges;
        int lo = 0;
        int hi = ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[mid].First)
            {
                hi = mid - 1;
            }
            else if (cp > ranges[mid].Last)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    // The letter class of llama.cpp's deepseek-llm regex, [A-Za-zµÀ-ÖØ-öø-ƺ...𞤀-𞥃], as code point ranges.
    private static (int First, int Last)[] BuildDeepSeekLetterRanges()
    {
        ReadOnlySpan<int> bounds =
        [
            0x41, 0x5A, 0x61, 0x7A, 0xB5, 0xB5, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0x1BA, 0x1BC, 0x1BF, 0x1C4, 0x293, 0x295, 0x2AF,
            0x370, 0x373, 0x376, 0x377, 0x37B, 0x37D, 0x37F, 0x37F, 0x386, 0x386, 0x388, 0x38A, 0x38C, 0x38C, 0x38E, 0x3A1,
            0x3A3, 0x3F5, 0x3F7, 0x481, 0x48A, 0x52F, 0x531, 0x556, 0x10A0, 0x10C5, 0x13A0, 0x13F5, 0x13F8, 0x13FD,
            0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1D00, 0x1D2B, 0x1D6B, 0x1D77, 0x1D79, 0x1D9A, 0x1E00, 0x1F15, 0x1F18, 0x1F1D,
            0x1F20, 0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57, 0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D,
            0x1F80, 0x1FB4, 0x1FB6, 0x1FBC, 0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6, 0x1FCC, 0x1FD0, 0x1FD3, 0x1FD6, 0x1FDB,
            0x1FE0, 0x1FEC, 0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC, 0x2102, 0x2102, 0x2107, 0x2107, 0x210A, 0x2113, 0x2115, 0x2115,
            0x2119, 0x211D, 0x2124, 0x2124, 0x2126, 0x2126, 0x2128, 0x2128, 0x212A, 0x212D, 0x212F, 0x2134, 0x2139, 0x2139,
            0x213C, 0x213F, 0x2145, 0x2149, 0x214E, 0x214E, 0x2183, 0x2184, 0x2C00, 0x2C7B, 0x2C7E, 0x2CE4, 0x2CEB, 0x2CEE,
            0x2CF2, 0x2CF3, 0xA640, 0xA66D, 0xA680, 0xA69B, 0xA722, 0xA76F, 0xA771, 0xA787, 0xA78B, 0xA78E, 0xAB70, 0xABBF,
            0xFB00, 0xFB06, 0xFB13, 0xFB17, 0xFF21, 0xFF3A, 0xFF41, 0xFF5A, 0x10400, 0x1044F, 0x104B0, 0x104D3, 0x104D8,
            0x104FB, 0x10C80, 0x10CB2, 0x10CC0, 0x10CF2, 0x118A0, 0x118DF, 0x1E900, 0x1E943,
        ];
        var ranges = new (int First, int Last)[bounds.Length / 2];
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i] = (bounds[2 * i], bounds[(2 * i) + 1]);
        }

        return ranges;
    }
}
