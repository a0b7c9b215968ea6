// BPE tokenizer ("gpt2" and "gemma4" GGUF models): regex pre-tokenizer, byte-level or raw UTF-8 words, merges by rank.
using System.Runtime.InteropServices;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// llama.cpp's BPE tokenizer: the text is split into words by the pre-tokenizer named in tokenizer.ggml.pre, and adjacent
/// symbols of each word are merged lowest merge rank first (leftmost on ties). Byte-level pre-tokenizers write the word's
/// UTF-8 bytes in the GPT-2 byte alphabet, one symbol per byte; a final symbol that is not a token contributes only its
/// ASCII characters that are tokens (llama.cpp's fallback). Gemma 4's SentencePiece-style BPE replaces spaces with ▁ and
/// starts from one symbol per code point; a final symbol that is not a token becomes &lt;0xXX&gt; byte tokens.
/// </summary>
public sealed class BpeTokenizer : GgufTokenizer
{
    private const char SpaceMarker = '\u2581';
    private readonly BpePreTokenizer _preTokenizer;
    private readonly Dictionary<long, int> _rankByPair = [];
    private readonly int[] _resultSymbolByRank;
    private readonly int[] _symbolByByte = new int[256];
    private readonly int[] _byteTokenIds = new int[256];
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _symbolsByText;

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

        Span<char> byteName = stackalloc char[6];
        for (int b = 0; b < 256; b++)
        {
            _symbolByByte[b] = symbols.TryGetValue(ByteLevelAlphabet.ToChar((byte)b).ToString(), out int id) ? id : -1;
            $"<0x{b:X2}>".AsSpan().CopyTo(byteName);
            _byteTokenIds[b] = vocabulary.Find(byteName);
        }

        _symbolsByText = symbols.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    public override string Kind => "bpe";

    /// <summary>The tokenizer.ggml.pre value in use.</summary>
    public string PreTokenizerName => _preTokenizer.Name;

    /// <inheritdoc/>
    public override bool AddBosByDefault => Vocabulary.AddBos || _preTokenizer.ForcesBos;

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
            case GgufTokenType.Normal when !_preTokenizer.ByteLevel:
                AppendUtf8(_preTokenizer.EscapesWhitespace ? text.Replace(SpaceMarker, ' ') : text, utf8);
                break;
            case GgufTokenType.Byte when !_preTokenizer.ByteLevel && text.Length == 6:
                utf8.Add(byte.Parse(text.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
                break;
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
            Span<int> codepoints = CollectionsMarshal.AsSpan(_codepoints);
            if (owner._preTokenizer.EscapesWhitespace)
            {
                codepoints.Replace(' ', SpaceMarker);
            }

            owner._preTokenizer.Split(codepoints, _wordLengths, _scratch);
            int start = 0;
            foreach (int length in _wordLengths)
            {
                ReadOnlySpan<int> word = codepoints.Slice(start, length);
                start += length;
                if (owner._preTokenizer.ByteLevel)
                {
                    TokenizeByteLevelWord(word, output);
                }
                else
                {
                    TokenizeRawWord(word, output);
                }
            }
        }

        // One symbol per UTF-8 byte, written in the GPT-2 byte alphabet.
        private void TokenizeByteLevelWord(ReadOnlySpan<int> word, List<int> output)
        {
            _utf8.Clear();
            foreach (int cp in word)
            {
                UnicodeClass.AppendUtf8(cp, _utf8);
            }

            int n = _utf8.Count;
            EnsureWordCapacity(n);
            for (int i = 0; i < n; i++)
            {
                _word[i] = ByteLevelAlphabet.ToChar(_utf8[i]);
            }

            if (owner._preTokenizer.IgnoresMerges && TryEmitWhole(n, output))
            {
                return;
            }

            _symbols.Clear();
            for (int i = 0; i < n; i++)
            {
                _symbols.Add(new Symbol(i, 1, owner._symbolByByte[_utf8[i]], i - 1, i + 1 == n ? -1 : i + 1));
            }

            MergeAndEmit(output);
        }

        // One symbol per code point, kept as text (SentencePiece-style BPE).
        private void TokenizeRawWord(ReadOnlySpan<int> word, List<int> output)
        {
            EnsureWordCapacity(word.Length * 2);
            int n = 0;
            foreach (int cp in word)
            {
                n += new System.Text.Rune(cp).EncodeToUtf16(_word.AsSpan(n));
            }

            if (owner._preTokenizer.NewlineRunsWhole && !_word.AsSpan(0, n).ContainsAnyExcept('\n') && TryEmitWhole(n, output))
            {
                return;
            }

            _symbols.Clear();
            for (int i = 0, start = 0; i < word.Length; i++)
            {
                int length = word[i] > 0xFFFF ? 2 : 1;
                int id = owner._symbolsByText.TryGetValue(_word.AsSpan(start, length), out int symbol) ? symbol : -1;
                _symbols.Add(new Symbol(start, length, id, i - 1, i + 1 == word.Length ? -1 : i + 1));
                start += length;
            }

            MergeAndEmit(output);
        }

        private void EnsureWordCapacity(int chars)
        {
            if (_word.Length < chars)
            {
                _word = new char[Math.Max(chars, _word.Length * 2)];
            }
        }

        private bool TryEmitWhole(int chars, List<int> output)
        {
            int whole = owner.Vocabulary.Find(_word.AsSpan(0, chars));
            if (whole >= 0)
            {
                output.Add(whole);
            }

            return whole >= 0;
        }

        private void MergeAndEmit(List<int> output)
        {
            _queue.Clear();
            for (int i = 1; i < _symbols.Count; i++)
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

            for (int i = symbols.IsEmpty ? -1 : 0; i != -1; i = symbols[i].Next)
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

            if (!owner._preTokenizer.ByteLevel)
            {
                // <0xXX> byte tokens for the symbol's UTF-8 bytes (bytes without a token are dropped, as in llama.cpp).
                _utf8.Clear();
                AppendUtf8(_word.AsSpan(symbol.Start, symbol.Length), _utf8);
                foreach (byte b in _utf8)
                {
                    if (owner._byteTokenIds[b] >= 0)
                    {
                        output.Add(owner._byteTokenIds[b]);
                    }
                }

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
