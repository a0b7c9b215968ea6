// Byte-level BPE tokenizer ("gpt2" GGUF model): regex pre-tokenizer, GPT-2 byte alphabet, merges applied by rank.
using System.Runtime.InteropServices;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// llama.cpp's BPE tokenizer: the text is split into words by the pre-tokenizer named in tokenizer.ggml.pre, each word's
/// UTF-8 bytes are written in the GPT-2 byte alphabet, and adjacent symbols are merged lowest merge rank first (leftmost on
/// ties). A final symbol that is not a token contributes only its ASCII characters that are tokens (llama.cpp's fallback).
/// </summary>
public sealed class BpeTokenizer : GgufTokenizer
{
    private readonly BpePreTokenizer _preTokenizer;
    private readonly Dictionary<long, int> _rankByPair = [];
    private readonly int[] _resultSymbolByRank;
    private readonly int[] _symbolByByte = new int[256];

    internal BpeTokenizer(GgufVocabulary vocabulary, string[] merges, BpePreTokenizer preTokenizer) : base(vocabulary)
    {
        _preTokenizer = preTokenizer;

        // Symbol ids: token ids for vocabulary texts, fresh ids above the vocabulary for merge texts that are not tokens.
        var symbols = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (int id = 0; id < vocabulary.Count; id++)
        {
            symbols[vocabulary.Texts[id]] = id;
        }

        _resultSymbolByRank = new int[merges.Length];
        for (int rank = 0; rank < merges.Length; rank++)
        {
            string merge = merges[rank];
            int space = merge.Length > 1 ? merge.IndexOf(' ', 1) : -1;
            if (space < 0)
            {
                _resultSymbolByRank[rank] = -1;
                continue;
            }

            int left = SymbolId(symbols, merge[..space]);
            int right = SymbolId(symbols, merge[(space + 1)..]);
            _resultSymbolByRank[rank] = SymbolId(symbols, string.Concat(merge.AsSpan(0, space), merge.AsSpan(space + 1)));
            _rankByPair.TryAdd(PairKey(left, right), rank);
        }

        for (int b = 0; b < 256; b++)
        {
            _symbolByByte[b] = symbols.TryGetValue(ByteLevelAlphabet.ToChar((byte)b).ToString(), out int id) ? id : -1;
        }
    }

    /// <inheritdoc/>
    public override string Kind => "bpe";

    /// <summary>The tokenizer.ggml.pre value in use.</summary>
    public string PreTokenizerName => _preTokenizer.Name;

    private protected override void EncodeFragments(ReadOnlySpan<char> text, List<TextFragment> fragments, List<int> output)
    {
        var session = new BpeSession(this);
        foreach (TextFragment fragment in fragments)
        {
            if (fragment.IsText)
            {
                session.Tokenize(text.Slice(fragment.Start, fragment.Length), output);
            }
            else
            {
                output.Add(fragment.TokenId);
            }
        }
    }

    private protected override void AppendPieceFromVocabulary(int tokenId, List<byte> utf8)
    {
        string text = Vocabulary.Texts[tokenId];
        switch (Vocabulary.Types[tokenId])
        {
            case GgufTokenType.Normal:
                for (int i = 0; i < text.Length; i++)
                {
                    int value = ByteLevelAlphabet.ToByte(text[i]);
                    if (value >= 0)
                    {
                        utf8.Add((byte)value);
                    }
                    else
                    {
                        // Not in the byte alphabet: keep the character itself (llama.cpp prints an [UNK_BYTE_..] marker).
                        AppendUtf8(text.AsSpan(i, char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1), utf8);
                        i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 1 : 0;
                    }
                }

                break;
            case GgufTokenType.UserDefined:
                AppendUtf8(text, utf8);
                break;
            default:
                break;
        }
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private static int SymbolId(Dictionary<string, int> symbols, string text)
    {
        if (!symbols.TryGetValue(text, out int id))
        {
            id = symbols.Count;
            symbols.Add(text, id);
        }

        return id;
    }

    /// <summary>Buffers for one Encode call.</summary>
    private sealed class BpeSession(BpeTokenizer owner)
    {
        private readonly List<int> _codepoints = [];
        private readonly List<int> _wordLengths = [];
        private readonly List<int> _scratch = [];
        private readonly List<byte> _utf8 = [];
        private readonly List<Symbol> _symbols = [];
        private readonly PriorityQueue<Bigram, long> _queue = new();
        private char[] _word = new char[64];

        public void Tokenize(ReadOnlySpan<char> text, List<int> output)
        {
            _codepoints.Clear();
            UnicodeClass.ToCodepoints(text, _codepoints);
            ReadOnlySpan<int> codepoints = CollectionsMarshal.AsSpan(_codepoints);
            owner._preTokenizer.Split(codepoints, _wordLengths, _scratch);
            int start = 0;
            foreach (int length in _wordLengths)
            {
                _utf8.Clear();
                for (int i = start; i < start + length; i++)
                {
                    UnicodeClass.AppendUtf8(codepoints[i], _utf8);
                }

                start += length;
                TokenizeWord(output);
            }
        }

        private void TokenizeWord(List<int> output)
        {
            int n = _utf8.Count;
            if (_word.Length < n)
            {
                _word = new char[Math.Max(n, _word.Length * 2)];
            }

            for (int i = 0; i < n; i++)
            {
                _word[i] = ByteLevelAlphabet.ToChar(_utf8[i]);
            }

            if (owner._preTokenizer.IgnoresMerges)
            {
                int whole = owner.Vocabulary.Find(_word.AsSpan(0, n));
                if (whole >= 0)
                {
                    output.Add(whole);
                    return;
                }
            }

            _symbols.Clear();
            _queue.Clear();
            for (int i = 0; i < n; i++)
            {
                byte b = _utf8[i];
                _symbols.Add(new Symbol(i, 1, owner._symbolByByte[b], i - 1, i + 1 == n ? -1 : i + 1));
            }

            for (int i = 1; i < n; i++)
            {
                TryAddBigram(i - 1, i);
            }

            Span<Symbol> symbols = CollectionsMarshal.AsSpan(_symbols);
            while (_queue.TryDequeue(out Bigram bigram, out _))
            {
                ref Symbol left = ref symbols[bigram.Left];
                ref Symbol right = ref symbols[bigram.Right];
                if (left.Length == 0 || right.Length == 0 || left.Id != bigram.LeftId || right.Id != bigram.RightId)
                {
                    continue;
                }

                left.Id = owner._resultSymbolByRank[bigram.Rank];
                left.Length += right.Length;
                right.Length = 0;
                left.Next = right.Next;
                if (right.Next >= 0)
                {
                    symbols[right.Next].Previous = bigram.Left;
                }

                TryAddBigram(left.Previous, bigram.Left);
                TryAddBigram(bigram.Left, left.Next);
            }

            for (int i = n == 0 ? -1 : 0; i != -1; i = symbols[i].Next)
            {
                Emit(symbols[i], output);
            }
        }

        private void Emit(Symbol symbol, List<int> output)
        {
            if (symbol.Id >= 0 && symbol.Id < owner.Vocabulary.Count)
            {
                output.Add(symbol.Id);
                return;
            }

            for (int i = symbol.Start; i < symbol.Start + symbol.Length; i++)
            {
                char c = _word[i];
                int id = c < 0x80 ? owner.Vocabulary.Find([c]) : -1;
                if (id >= 0)
                {
                    output.Add(id);
                }
            }
        }

        private void TryAddBigram(int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }

            int leftId = _symbols[left].Id;
            int rightId = _symbols[right].Id;
            if (leftId < 0 || rightId < 0 || !owner._rankByPair.TryGetValue(PairKey(leftId, rightId), out int rank))
            {
                return;
            }

            _queue.Enqueue(new Bigram(left, right, leftId, rightId, rank), ((long)rank << 32) | (uint)left);
        }
    }

    private record struct Symbol(int Start, int Length, int Id, int Previous, int Next);

    private readonly record struct Bigram(int Left, int Right, int LeftId, int RightId, int Rank);
}
