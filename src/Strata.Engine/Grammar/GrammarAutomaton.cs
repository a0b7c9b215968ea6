// The grammar's pushdown automaton built lazily: interned stacks, interned stack sets (states), code point transitions.
namespace Strata.Engine.Grammar;

/// <summary>
/// llama.cpp's matcher (llama-grammar.cpp: a set of pushdown stacks advanced one code point at a time) made
/// deterministic and memoised. A stack is a persistent list of grammar positions interned as (top, parent), so equal
/// stacks are one id; a state is an interned sorted set of stacks whose tops are character classes, each expanded
/// through rule references as llama_grammar_advance_stack does. A transition is computed once per (state, interval)
/// and then is an array read, so the cost of matching falls to near zero once the states of a grammar have been seen.
/// Not thread-safe: <see cref="TokenGrammar"/> serialises access.
/// </summary>
internal sealed class GrammarAutomaton
{
    /// <summary>The state id meaning "no stack survives": the text left the grammar.</summary>
    public const int Dead = -1;

    private readonly GrammarTables _tables;
    private readonly Dictionary<long, int> _stackIds = [];
    private readonly List<int> _stackTop = [-1]; // (stacks) grammar position on top; stack 0 is the empty stack
    private readonly List<int> _stackParent = [-1]; // (stacks) the stack below the top
    private readonly Dictionary<StackSet, int> _stateIds = [];
    private readonly Stack<int> _todo = new();
    private readonly HashSet<int> _seen = [];
    private readonly List<int> _found = [];
    private AutomatonState[] _states = new AutomatonState[64];

    public GrammarAutomaton(Grammar grammar)
    {
        _tables = new GrammarTables(grammar);
        _found.Clear();
        _seen.Clear();
        foreach (int alternative in _tables.AlternativesOf(0))
        {
            Expand(_tables.EndsAlternative(alternative) ? 0 : InternStack(alternative, 0));
        }

        Initial = _found.Count == 0 ? Dead : Intern(_found);
    }

    /// <summary>The state before any text.</summary>
    public int Initial { get; }

    /// <summary>States created so far.</summary>
    public int StateCount { get; private set; }

    /// <summary>Stacks interned so far.</summary>
    public int StackCount => _stackTop.Count;

    /// <summary>The state with id <paramref name="id"/>.</summary>
    public AutomatonState State(int id) => _states[id];

    /// <summary>The state after <paramref name="codePoint"/> from <paramref name="state"/>, or <see cref="Dead"/>.</summary>
    public int Next(int state, int codePoint)
    {
        var s = _states[state];
        if (codePoint < 128)
        {
            int known = s.AsciiNext[codePoint];
            if (known != AutomatonState.Unknown)
            {
                return known;
            }
        }

        int interval = s.IntervalOf(codePoint);
        int next = s.IntervalNext[interval];
        if (next == AutomatonState.Unknown)
        {
            next = Compute(s, s.Bounds[interval]);
            s.IntervalNext[interval] = next;
        }

        if (codePoint < 128)
        {
            s.AsciiNext[codePoint] = next;
        }

        return next;
    }

    /// <summary>True when some code point in [<paramref name="low"/>, <paramref name="high"/>] leads somewhere from <paramref name="state"/>.</summary>
    public bool AnyNext(int state, int low, int high)
    {
        var s = _states[state];
        for (int i = s.IntervalOf(low); i < s.Bounds.Length && s.Bounds[i] <= high; i++)
        {
            int next = s.IntervalNext[i];
            if (next == AutomatonState.Unknown)
            {
                next = Compute(s, s.Bounds[i]);
                s.IntervalNext[i] = next;
            }

            if (next != Dead)
            {
                return true;
            }
        }

        return false;
    }

    // Advances every stack whose top class matches `codePoint` and expands the results to class-topped stacks.
    private int Compute(AutomatonState state, int codePoint)
    {
        _found.Clear();
        _seen.Clear();
        foreach (int stack in state.Stacks)
        {
            if (stack == 0)
            {
                continue;
            }

            int top = _stackTop[stack];
            if (!_tables.Matches(top, codePoint))
            {
                continue;
            }

            int after = _tables.After(top);
            int parent = _stackParent[stack];
            Expand(_tables.EndsAlternative(after) ? parent : InternStack(after, parent));
        }

        return _found.Count == 0 ? Dead : Intern(_found);
    }

    // llama_grammar_advance_stack: replaces rule references on top by each alternative until classes (or nothing) are on top.
    private void Expand(int stack)
    {
        _todo.Push(stack);
        while (_todo.Count > 0)
        {
            int current = _todo.Pop();
            if (!_seen.Add(current))
            {
                continue;
            }

            int top = _stackTop[current];
            if (current == 0 || _tables.Kind(top) != GrammarElementKind.RuleReference)
            {
                _found.Add(current);
                continue;
            }

            int parent = _stackParent[current];
            int next = top + 1;
            int continuation = _tables.EndsAlternative(next) ? parent : InternStack(next, parent);
            foreach (int alternative in _tables.AlternativesOf(_tables.Value(top)))
            {
                _todo.Push(_tables.EndsAlternative(alternative) ? continuation : InternStack(alternative, continuation));
            }
        }
    }

    private int InternStack(int top, int parent)
    {
        long key = ((long)top << 32) | (uint)parent;
        if (!_stackIds.TryGetValue(key, out int id))
        {
            id = _stackTop.Count;
            _stackTop.Add(top);
            _stackParent.Add(parent);
            _stackIds.Add(key, id);
        }

        return id;
    }

    private int Intern(List<int> stacks)
    {
        stacks.Sort();
        var set = new StackSet([.. stacks]);
        if (_stateIds.TryGetValue(set, out int id))
        {
            return id;
        }

        id = StateCount++;
        if (id == _states.Length)
        {
            Array.Resize(ref _states, id * 2);
        }

        _states[id] = new AutomatonState(set.Stacks, Bounds(set.Stacks));
        _stateIds.Add(set, id);
        return id;
    }

    // Every boundary of the top classes: within one interval, each class matches all code points or none.
    private int[] Bounds(int[] stacks)
    {
        var bounds = new SortedSet<int> { 0 };
        foreach (int stack in stacks)
        {
            if (stack == 0)
            {
                continue;
            }

            var ranges = _tables.Ranges(_stackTop[stack]);
            foreach (int bound in ranges)
            {
                if (bound < GrammarTables.CodePointLimit)
                {
                    bounds.Add(bound);
                }
            }
        }

        return [.. bounds];
    }

    // A sorted stack-id set compared by content, as a dictionary key.
    private readonly struct StackSet(int[] stacks) : IEquatable<StackSet>
    {
        private readonly int _hash = HashOf(stacks);

        public int[] Stacks { get; } = stacks;

        public bool Equals(StackSet other) => _hash == other._hash && Stacks.AsSpan().SequenceEqual(other.Stacks);

        public override bool Equals(object? obj) => obj is StackSet other && Equals(other);

        public override int GetHashCode() => _hash;

        private static int HashOf(int[] stacks)
        {
            var hash = new HashCode();
            foreach (int s in stacks)
            {
                hash.Add(s);
            }

            return hash.ToHashCode();
        }
    }
}
