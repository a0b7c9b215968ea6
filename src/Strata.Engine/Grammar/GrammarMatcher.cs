// One sequence's place in a grammar: accepts sampled tokens and writes the mask of tokens the grammar allows next.
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Grammar;

/// <summary>
/// The grammar state of one sequence (a continuous batch holds one per sequence; they share a
/// <see cref="TokenGrammar"/>). <see cref="TryAccept"/> advances by a token's bytes or refuses it; a token may end in the
/// middle of a UTF-8 character, which the next token must complete. End-of-generation tokens are accepted only when the
/// grammar is complete (<see cref="IsAccepting"/>); other control tokens (no bytes) never. Allocates nothing per token.
/// </summary>
public sealed class GrammarMatcher
{
    private readonly ulong[] _mask; // (vocabulary / 64) scratch mask
    private int _state;
    private int _partial;

    /// <summary>A matcher at the start of <paramref name="grammar"/>.</summary>
    public GrammarMatcher(TokenGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        Grammar = grammar;
        _mask = new ulong[grammar.Trie.MaskWords];
        _state = grammar.Initial;
    }

    /// <summary>A matcher of <paramref name="grammar"/> over <paramref name="tokenizer"/>'s vocabulary (trie and automaton shared).</summary>
    public static GrammarMatcher Create(Grammar grammar, ITokenizer tokenizer) =>
        new(TokenGrammar.For(grammar, TokenTrie.For(tokenizer)));

    /// <summary>The shared grammar over the vocabulary.</summary>
    public TokenGrammar Grammar { get; }

    /// <summary>True when the text so far is a complete sentence: end-of-generation tokens are allowed.</summary>
    public bool IsAccepting => Grammar.IsAccepting(_state, _partial);

    /// <summary>True when more text may follow.</summary>
    public bool CanContinue => Grammar.CanContinue(_state, _partial);

    /// <summary>Advances by <paramref name="tokenId"/>'s bytes and returns true, or returns false leaving the state unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenId"/> is not in the vocabulary</exception>
    public bool TryAccept(int tokenId)
    {
        var trie = Grammar.Trie;
        if ((uint)tokenId >= (uint)trie.VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenId), tokenId, $"Expected a token id in [0, {trie.VocabSize}); found {tokenId}.");
        }

        if (trie.IsEndOfGeneration(tokenId))
        {
            return IsAccepting;
        }

        var bytes = trie.TokenBytes(tokenId);
        return !bytes.IsEmpty && Grammar.TryAdvance(ref _state, ref _partial, bytes);
    }

    /// <summary>True when <see cref="TryAccept"/> would accept <paramref name="tokenId"/>; the state does not change.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenId"/> is not in the vocabulary</exception>
    public bool WouldAccept(int tokenId)
    {
        int state = _state;
        int partial = _partial;
        bool accepted = TryAccept(tokenId);
        _state = state;
        _partial = partial;
        return accepted;
    }

    /// <summary>Writes the allowed next tokens as bits (token t is bit t % 64 of word t / 64); returns how many.</summary>
    /// <exception cref="ArgumentException"><paramref name="allowed"/> is shorter than <see cref="TokenTrie.MaskWords"/></exception>
    public int ComputeMask(Span<ulong> allowed)
    {
        int words = Grammar.Trie.MaskWords;
        if (allowed.Length < words)
        {
            throw new ArgumentException($"Expected a mask of at least {words} words; found {allowed.Length}.", nameof(allowed));
        }

        return Grammar.FillMask(_state, _partial, allowed[..words]);
    }

    /// <summary>The allowed next tokens in the matcher's own buffer (valid until the next call); <paramref name="count"/> of them.</summary>
    public ReadOnlySpan<ulong> ComputeMask(out int count)
    {
        count = Grammar.FillMask(_state, _partial, _mask);
        return _mask;
    }

    /// <summary>Returns to the start of the grammar.</summary>
    public void Reset()
    {
        _state = Grammar.Initial;
        _partial = 0;
    }
}
