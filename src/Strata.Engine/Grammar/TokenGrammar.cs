// A grammar bound to a vocabulary: the shared automaton, token-by-token matching and token masks cached per state.
using System.Numerics;

namespace Strata.Engine.Grammar;

/// <summary>
/// One <see cref="Grammar"/> over one <see cref="TokenTrie"/>, shared by every sequence constrained by that grammar
/// (each keeps its own <see cref="GrammarMatcher"/>): the lazily built <see cref="GrammarAutomaton"/>, and each state's
/// token mask computed once by a walk of the trie that drops a subtree at the first byte the grammar refuses. Masks are
/// cached on their state until <see cref="MaskCacheBytes"/> are held; further ones are computed each time. Thread-safe:
/// one lock serialises matching and mask walks (a token step takes it once or twice). After warm-up nothing here allocates.
/// </summary>
public sealed class TokenGrammar
{
    /// <summary>Most bytes of cached masks one token grammar keeps.</summary>
    public const long MaskCacheBytes = 64L << 20;

    private readonly Lock _gate = new();
    private readonly GrammarAutomaton _automaton;
    private WalkFrame[] _frames = new WalkFrame[256];
    private long _cachedBytes;

    internal TokenGrammar(Grammar grammar, TokenTrie trie)
    {
        Grammar = grammar;
        Trie = trie;
        _automaton = new GrammarAutomaton(grammar);
    }

    /// <summary>The grammar.</summary>
    public Grammar Grammar { get; }

    /// <summary>The vocabulary.</summary>
    public TokenTrie Trie { get; }

    /// <summary>States of the automaton built so far (for tests and benchmarks).</summary>
    public int StateCount
    {
        get
        {
            lock (_gate)
            {
                return _automaton.StateCount;
            }
        }
    }

    /// <summary>The shared token grammar of <paramref name="grammar"/> over <paramref name="trie"/> (one per pair, kept while both live).</summary>
    public static TokenGrammar For(Grammar grammar, TokenTrie trie)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(trie);
        return trie.GrammarFor(grammar);
    }

    /// <summary>The state before any text (<see cref="GrammarAutomaton.Dead"/> for a grammar matching nothing).</summary>
    internal int Initial => _automaton.Initial;

    /// <summary>True when <paramref name="state"/> completes a sentence of the grammar.</summary>
    internal bool IsAccepting(int state, int partial)
    {
        lock (_gate)
        {
            return partial == 0 && state != GrammarAutomaton.Dead && _automaton.State(state).Accepting;
        }
    }

    /// <summary>True when some character may follow.</summary>
    internal bool CanContinue(int state, int partial)
    {
        lock (_gate)
        {
            return partial != 0 || (state != GrammarAutomaton.Dead && _automaton.State(state).CanContinue);
        }
    }

    /// <summary>Advances (<paramref name="state"/>, <paramref name="partial"/>) over <paramref name="bytes"/>; false (and unchanged) when refused.</summary>
    internal bool TryAdvance(ref int state, ref int partial, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            int s = state;
            int p = partial;
            foreach (byte b in bytes)
            {
                if (s == GrammarAutomaton.Dead || !Step(ref s, ref p, b))
                {
                    return false;
                }
            }

            state = s;
            partial = p;
            return true;
        }
    }

    /// <summary>Writes the tokens allowed after (<paramref name="state"/>, <paramref name="partial"/>) into <paramref name="mask"/>; returns their count.</summary>
    internal int FillMask(int state, int partial, Span<ulong> mask)
    {
        lock (_gate)
        {
            mask.Clear();
            if (state == GrammarAutomaton.Dead)
            {
                return 0;
            }

            var s = _automaton.State(state);
            if (partial == 0 && s.Mask is { } cached)
            {
                cached.CopyTo(mask);
                return s.MaskCount;
            }

            int count = Walk(state, partial, mask);
            if (partial == 0 && _cachedBytes + (mask.Length * sizeof(ulong)) <= MaskCacheBytes)
            {
                s.Mask = mask.ToArray();
                s.MaskCount = count;
                _cachedBytes += mask.Length * sizeof(ulong);
            }

            return count;
        }
    }

    // Depth-first over the trie: a child whose byte the grammar refuses is skipped with its whole subtree.
    private int Walk(int state, int partial, Span<ulong> mask)
    {
        int count = 0;
        if (partial == 0 && _automaton.State(state).Accepting)
        {
            var eog = Trie.EndOfGenerationMask;
            for (int w = 0; w < mask.Length; w++)
            {
                mask[w] = eog[w];
                count += BitOperations.PopCount(eog[w]);
            }
        }

        var firstChild = Trie.FirstChild;
        var childCount = Trie.ChildCount;
        var label = Trie.Label;
        var tokenStart = Trie.TokenStart;
        var tokenCount = Trie.TokenCount;
        var tokens = Trie.SortedTokens;
        int top = 0;
        _frames[top++] = new WalkFrame(0, state, partial);
        while (top > 0)
        {
            var frame = _frames[--top];
            int first = firstChild[frame.Node];
            int end = first + childCount[frame.Node];
            for (int child = first; child < end; child++)
            {
                int s = frame.State;
                int p = frame.Partial;
                if (!Step(ref s, ref p, label[child]))
                {
                    continue;
                }

                int t0 = tokenStart[child];
                int t1 = t0 + tokenCount[child];
                for (int t = t0; t < t1; t++)
                {
                    int id = tokens[t];
                    mask[id >> 6] |= 1UL << (id & 63);
                }

                count += t1 - t0;
                if (childCount[child] > 0)
                {
                    if (top == _frames.Length)
                    {
                        Array.Resize(ref _frames, top * 2);
                    }

                    _frames[top++] = new WalkFrame(child, s, p);
                }
            }
        }

        return count;
    }

    // One byte: ASCII advances the state; a lead byte starts a partial character kept only if some completion can match;
    // a continuation byte extends it, and the last one advances the state by the whole code point.
    private bool Step(ref int state, ref int partial, byte b)
    {
        if (partial == 0)
        {
            if (b < 0x80)
            {
                state = _automaton.Next(state, b);
                return state != GrammarAutomaton.Dead;
            }

            partial = Utf8Partial.Start(b);
            return partial != 0 && Viable(state, partial & 0x1FFFFF, (partial >> 21) & 3, (partial >> 23) & 7);
        }

        if (!Utf8Partial.Continue(partial, b, out int value, out int remaining, out int length)
            || !Utf8Partial.Range(value, remaining, length, out int low, out int high))
        {
            return false;
        }

        if (remaining == 0)
        {
            partial = 0;
            state = _automaton.Next(state, low);
            return state != GrammarAutomaton.Dead;
        }

        partial = Utf8Partial.Pack(value, remaining, length);
        return _automaton.AnyNext(state, low, high);
    }

    private bool Viable(int state, int value, int remaining, int length) =>
        Utf8Partial.Range(value, remaining, length, out int low, out int high) && _automaton.AnyNext(state, low, high);

    private readonly record struct WalkFrame(int Node, int State, int Partial);
}
