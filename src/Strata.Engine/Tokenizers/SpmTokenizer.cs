// SentencePiece-style tokenizer ("llama" GGUF model): score-ordered bigram merging with byte fallback, as llama.cpp.
using System.Runtime.InteropServices;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// llama.cpp's SPM tokenizer: spaces become ▁ (U+2581), a ▁ is prepended when add_space_prefix (default true) and the
/// fragment starts the text or follows an added token; code points are merged pairwise, always taking the adjacent pair
/// whose concatenation is the highest-scoring token (leftmost on ties); pieces that are not tokens fall back to
/// &lt;0xXX&gt; byte tokens (or UNK when the vocabulary lacks them).
/// </summary>
public sealed class SpmTokenizer : GgufTokenizer
{
    private const char SpaceMarker = '\u2581';
    private readonly int[] _byteTokenIds = new int[256];

    internal SpmTokenizer(GgufVocabulary vocabulary) : base(vocabulary)
    {
        Span<char> name = stackalloc char[6];
        for (int b = 0; b < 256; b++)
        {
            $"<0x{b:X2}>".AsSpan().CopyTo(name);
            int id = vocabulary.Find(name);
            _byteTokenIds[b] = id >= 0 ? id : vocabulary.UnknownId;
        }
    }

    /// <inheritdoc/>
    public override string Kind => "spm";

    /// <summary>Whether a ▁ is prepended to text (tokenizer.ggml.add_space_prefix).</summary>
    public bool AddSpacePrefix => Vocabulary.AddSpacePrefix;

    private protected override bool RemovesDummyPrefix => Vocabulary.AddSpacePrefix;

    private protected override void EncodeFragments(ReadOnlySpan<char> text, List<TextFragment> fragments, List<int> output)
    {
        bool previousIsToken = true;
        var session = new SpmSession(this);
        foreach (TextFragment fragment in fragments)
        {
            if (!fragment.IsText)
            {
                output.Add(fragment.TokenId);
                previousIsToken = true;
                continue;
            }

            bool prefix = Vocabulary.AddSpacePrefix && previousIsToken;
            ReadOnlySpan<char> raw = text.Slice(fragment.Start, fragment.Length);
            char[] escaped = new char[raw.Length + (prefix ? 1 : 0)];
            int n = 0;
            if (prefix)
            {
                escaped[n++] = SpaceMarker;
            }

            foreach (char c in raw)
            {
                escaped[n++] = c == ' ' ? SpaceMarker : c;
            }

            session.Tokenize(escaped, output);
            previousIsToken = false;
        }
    }

    private protected override void AppendPieceFromVocabulary(int tokenId, List<byte> utf8)
    {
        string text = Vocabulary.Texts[tokenId];
        switch (Vocabulary.Types[tokenId])
        {
            case GgufTokenType.Normal:
                AppendUtf8(text.Replace(SpaceMarker, ' '), utf8);
                break;
            case GgufTokenType.UserDefined:
                AppendUtf8(text, utf8);
                break;
            case GgufTokenType.Byte:
                if (text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
                    && byte.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte value))
                {
                    utf8.Add(value);
                }

                break;
            default:
                // Control, unknown, unused and undefined tokens decode to nothing (llama.cpp, special = false).
                break;
        }
    }

    /// <summary>One tokenization: symbols are code points in a linked list, merged by a max-score priority queue.</summary>
    private sealed class SpmSession(SpmTokenizer owner)
    {
        private readonly List<Symbol> _symbols = [];
        private readonly PriorityQueue<Bigram, Bigram> _queue = new(BigramOrder.Instance);

        public void Tokenize(char[] text, List<int> output)
        {
            _symbols.Clear();
            _queue.Clear();
            int offset = 0;
            while (offset < text.Length)
            {
                int length = char.IsHighSurrogate(text[offset]) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]) ? 2 : 1;
                int index = _symbols.Count;
                _symbols.Add(new Symbol(offset, length, index - 1, offset + length == text.Length ? -1 : index + 1));
                offset += length;
            }

            for (int i = 1; i < _symbols.Count; i++)
            {
                TryAddBigram(text, i - 1, i);
            }

            Span<Symbol> symbols = CollectionsMarshal.AsSpan(_symbols);
            while (_queue.TryDequeue(out Bigram bigram, out _))
            {
                ref Symbol left = ref symbols[bigram.Left];
                ref Symbol right = ref symbols[bigram.Right];
                if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Length)
                {
                    continue;
                }

                left.Length += right.Length;
                right.Length = 0;
                left.Next = right.Next;
                if (right.Next >= 0)
                {
                    symbols[right.Next].Previous = bigram.Left;
                }

                TryAddBigram(text, left.Previous, bigram.Left);
                TryAddBigram(text, bigram.Left, left.Next);
            }

            for (int i = _symbols.Count == 0 ? -1 : 0; i != -1; i = symbols[i].Next)
            {
                Emit(text.AsSpan(symbols[i].Start, symbols[i].Length), output);
            }
        }

        // llama.cpp also keeps a reverse-merge map for re-segmenting pieces that are not tokens; merged pieces always
        // are tokens, so only unmerged code points reach the byte fallback, which is what this does.
        private void Emit(ReadOnlySpan<char> piece, List<int> output)
        {
            int id = owner.Vocabulary.Find(piece);
            if (id >= 0)
            {
                output.Add(id);
                return;
            }

            int max = System.Text.Encoding.UTF8.GetMaxByteCount(piece.Length);
            Span<byte> utf8 = max <= 64 ? stackalloc byte[64] : new byte[max];
            int n = System.Text.Encoding.UTF8.GetBytes(piece, utf8);
            for (int j = 0; j < n; j++)
            {
                output.Add(owner._byteTokenIds[utf8[j]]);
            }
        }

        private void TryAddBigram(char[] text, int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }

            int start = _symbols[left].Start;
            int length = _symbols[left].Length + _symbols[right].Length;
            int id = owner.Vocabulary.Find(text.AsSpan(start, length));
            if (id < 0)
            {
                return;
            }

            var bigram = new Bigram(left, right, owner.Vocabulary.Scores[id], length);
            _queue.Enqueue(bigram, bigram);
        }
    }

    private record struct Symbol(int Start, int Length, int Previous, int Next);

    private readonly record struct Bigram(int Left, int Right, float Score, int Length);

    /// <summary>Highest score first; on equal scores the leftmost pair.</summary>
    private sealed class BigramOrder : IComparer<Bigram>
    {
        public static readonly BigramOrder Instance = new();

        public int Compare(Bigram x, Bigram y)
        {
            int byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Left.CompareTo(y.Left);
        }
    }
}
