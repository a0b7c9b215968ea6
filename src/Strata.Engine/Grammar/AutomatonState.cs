// One state of the grammar automaton: a set of pushdown stacks, with its code point transitions memoised per interval.
namespace Strata.Engine.Grammar;

/// <summary>
/// A set of llama.cpp-style pushdown stacks, each topped by a character class (or empty: the grammar is complete). The
/// code point space is cut at every boundary of the top classes, so within an interval every code point leads to the
/// same next state; <see cref="IntervalNext"/> memoises that state per interval and <see cref="AsciiNext"/> per ASCII
/// code point. Only <see cref="GrammarAutomaton"/> and <see cref="TokenGrammar"/> touch it, under the token grammar's lock.
/// </summary>
internal sealed class AutomatonState
{
    /// <summary>Marks a transition not computed yet.</summary>
    public const int Unknown = -2;

    public AutomatonState(int[] stacks, int[] bounds)
    {
        Stacks = stacks;
        Accepting = stacks.Length > 0 && stacks[0] == 0;
        CanContinue = stacks.Length > (Accepting ? 1 : 0);
        Bounds = bounds;
        IntervalNext = new int[bounds.Length];
        Array.Fill(IntervalNext, Unknown);
        AsciiNext = new int[128];
        Array.Fill(AsciiNext, Unknown);
    }

    /// <summary>Stack ids, ascending; id 0 is the empty stack.</summary>
    public int[] Stacks { get; }

    /// <summary>True when one stack is empty: the text so far is a complete sentence of the grammar.</summary>
    public bool Accepting { get; }

    /// <summary>True when some stack still expects a character.</summary>
    public bool CanContinue { get; }

    /// <summary>Start of each interval, ascending, from 0; the last runs to U+10FFFF.</summary>
    public int[] Bounds { get; }

    /// <summary>Next state per interval: a state id, <see cref="GrammarAutomaton.Dead"/> or <see cref="Unknown"/>.</summary>
    public int[] IntervalNext { get; }

    /// <summary>Next state per ASCII code point (a copy of the interval's, filled on use).</summary>
    public int[] AsciiNext { get; }

    /// <summary>The cached token mask of this state, or null.</summary>
    public ulong[]? Mask { get; set; }

    /// <summary>Tokens the cached mask allows.</summary>
    public int MaskCount { get; set; }

    /// <summary>Index of the interval holding <paramref name="codePoint"/>.</summary>
    public int IntervalOf(int codePoint)
    {
        int index = Array.BinarySearch(Bounds, codePoint);
        return index >= 0 ? index : ~index - 1;
    }
}
