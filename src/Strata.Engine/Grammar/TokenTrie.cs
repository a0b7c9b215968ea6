// A byte trie of a vocabulary's token pieces, built once per tokenizer and shared by every grammar-constrained sequence.
using System.Runtime.CompilerServices;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Grammar;

/// <summary>
/// Every token's UTF-8 piece (<see cref="ITokenizer.TokenBytes"/>) in a trie, so that a grammar's token mask is found by
/// one walk that drops a whole subtree as soon as its prefix leaves the grammar. Nodes are laid out breadth-first, so a
/// node's children are contiguous; the token ids are sorted by their bytes, so the tokens ending at a node are a
/// contiguous slice. Tokens with no bytes (control tokens) and end-of-generation tokens are not in the trie: a mask allows
/// the latter only when the grammar is complete, and never the former. Immutable and thread-safe;
/// <see cref="For(ITokenizer)"/> builds one per tokenizer instance.
/// </summary>
public sealed class TokenTrie
{
    private static readonly ConditionalWeakTable<ITokenizer, TokenTrie> ByTokenizer = new();

    private readonly byte[] _bytes; // every piece, concatenated
    private readonly int[] _offsets; // (vocab + 1) piece offsets into _bytes
    private readonly ulong[] _endOfGeneration; // (mask words) bit set of end-of-generation ids
    private readonly ConditionalWeakTable<Grammar, TokenGrammar> _grammars = new();

    // Nodes, breadth-first; node 0 is the root (the empty prefix).
    private readonly int[] _firstChild; // (nodes)
    private readonly int[] _childCount; // (nodes)
    private readonly byte[] _label; // (nodes) the byte leading into the node
    private readonly int[] _tokenStart; // (nodes) first of the node's tokens in _sortedTokens
    private readonly int[] _tokenCount; // (nodes)
    private readonly int[] _sortedTokens; // token ids in the trie, sorted by their bytes

    private TokenTrie(byte[][] pieces, Func<int, bool> isEndOfGeneration)
    {
        VocabSize = pieces.Length;
        MaskWords = (VocabSize + 63) / 64;
        _offsets = new int[VocabSize + 1];
        long total = 0;
        foreach (var piece in pieces)
        {
            total += piece.Length;
        }

        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"the pieces hold {total} bytes; at most {Array.MaxLength} fit", nameof(pieces));
        }

        _bytes = new byte[total];
        _endOfGeneration = new ulong[MaskWords];
        var inTrie = new List<int>(VocabSize);
        int offset = 0;
        for (int i = 0; i < pieces.Length; i++)
        {
            _offsets[i] = offset;
            pieces[i].CopyTo(_bytes, offset);
            offset += pieces[i].Length;
            if (isEndOfGeneration(i))
            {
                _endOfGeneration[i >> 6] |= 1UL << (i & 63);
            }
            else if (pieces[i].Length > 0)
            {
                inTrie.Add(i);
            }
        }

        _offsets[^1] = offset;
        _sortedTokens = [.. inTrie];
        Array.Sort(_sortedTokens, (a, b) => TokenBytes(a).SequenceCompareTo(TokenBytes(b)));
        var build = new TrieBuilder(this);
        (_firstChild, _childCount, _label, _tokenStart, _tokenCount) = build.Run();
        NodeCount = _label.Length;
    }

    /// <summary>Number of token ids.</summary>
    public int VocabSize { get; }

    /// <summary>Length in 64-bit words of a token mask over this vocabulary.</summary>
    public int MaskWords { get; }

    /// <summary>Nodes in the trie (root included).</summary>
    public int NodeCount { get; }

    /// <summary>The trie of <paramref name="tokenizer"/>'s vocabulary, built on first use and kept while the tokenizer lives.</summary>
    public static TokenTrie For(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return ByTokenizer.GetValue(tokenizer, static t =>
        {
            var pieces = new byte[t.VocabSize][];
            for (int i = 0; i < pieces.Length; i++)
            {
                pieces[i] = t.TokenBytes(i).ToArray();
            }

            return new TokenTrie(pieces, t.IsEndOfGeneration);
        });
    }

    /// <summary>A trie over <paramref name="pieces"/> (token id = index), for vocabularies held outside an <see cref="ITokenizer"/>.</summary>
    /// <param name="pieces">each token's UTF-8 bytes; empty for control tokens</param>
    /// <param name="endOfGeneration">ids that end generation</param>
    public static TokenTrie FromPieces(IReadOnlyList<byte[]> pieces, IReadOnlyCollection<int> endOfGeneration)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentNullException.ThrowIfNull(endOfGeneration);
        var copy = new byte[pieces.Count][];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = pieces[i] ?? throw new ArgumentException($"piece {i} is null; expected an empty array for a control token", nameof(pieces));
        }

        var eog = new HashSet<int>(endOfGeneration);
        return new TokenTrie(copy, eog.Contains);
    }

    /// <summary>The UTF-8 bytes of token <paramref name="tokenId"/> (empty for control tokens).</summary>
    public ReadOnlySpan<byte> TokenBytes(int tokenId) => _bytes.AsSpan(_offsets[tokenId], _offsets[tokenId + 1] - _offsets[tokenId]);

    /// <summary>True when <paramref name="tokenId"/> ends generation.</summary>
    public bool IsEndOfGeneration(int tokenId) => (_endOfGeneration[tokenId >> 6] & (1UL << (tokenId & 63))) != 0;

    /// <summary>The end-of-generation ids as a mask.</summary>
    internal ReadOnlySpan<ulong> EndOfGenerationMask => _endOfGeneration;

    internal ReadOnlySpan<int> FirstChild => _firstChild;

    internal ReadOnlySpan<int> ChildCount => _childCount;

    internal ReadOnlySpan<byte> Label => _label;

    internal ReadOnlySpan<int> TokenStart => _tokenStart;

    internal ReadOnlySpan<int> TokenCount => _tokenCount;

    internal ReadOnlySpan<int> SortedTokens => _sortedTokens;

    /// <summary>The shared <see cref="TokenGrammar"/> of <paramref name="grammar"/> over this vocabulary.</summary>
    internal TokenGrammar GrammarFor(Grammar grammar) => _grammars.GetValue(grammar, g => new TokenGrammar(g, this));

    // Breadth-first construction over the sorted ids: a node is a range of ids sharing a prefix of length depth.
    private sealed class TrieBuilder(TokenTrie trie)
    {
        private readonly List<int> _firstChild = [0];
        private readonly List<int> _childCount = [0];
        private readonly List<byte> _label = [0];
        private readonly List<int> _tokenStart = [0];
        private readonly List<int> _tokenCount = [0];

        public (int[], int[], byte[], int[], int[]) Run()
        {
            var queue = new Queue<(int Lo, int Hi, int Depth, int Node)>();
            queue.Enqueue((0, trie._sortedTokens.Length, 0, 0));
            while (queue.Count > 0)
            {
                var (lo, hi, depth, node) = queue.Dequeue();
                int i = lo;
                while (i < hi && trie.TokenBytes(trie._sortedTokens[i]).Length == depth)
                {
                    i++;
                }

                _tokenStart[node] = lo;
                _tokenCount[node] = i - lo;
                _firstChild[node] = _label.Count;
                int children = 0;
                while (i < hi)
                {
                    byte b = trie.TokenBytes(trie._sortedTokens[i])[depth];
                    int k = i;
                    while (k < hi && trie.TokenBytes(trie._sortedTokens[k])[depth] == b)
                    {
                        k++;
                    }

                    int child = _label.Count;
                    _firstChild.Add(0);
                    _childCount.Add(0);
                    _label.Add(b);
                    _tokenStart.Add(0);
                    _tokenCount.Add(0);
                    queue.Enqueue((i, k, depth + 1, child));
                    children++;
                    i = k;
                }

                _childCount[node] = children;
            }

            return ([.. _firstChild], [.. _childCount], [.. _label], [.. _tokenStart], [.. _tokenCount]);
        }
    }
}
