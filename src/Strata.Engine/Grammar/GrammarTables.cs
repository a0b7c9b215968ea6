// A grammar flattened for matching: element kinds and values, each rule's alternatives, each character class as ranges.
namespace Strata.Engine.Grammar;

/// <summary>
/// The arrays <see cref="GrammarAutomaton"/> reads: positions are offsets into <see cref="Grammar.Elements"/>. Each
/// character class (a Char, CharNot or CharAny element and the range/alternate elements after it) is normalised once to
/// sorted, disjoint, half-open code point ranges of what it matches, negation already applied.
/// </summary>
internal sealed class GrammarTables
{
    /// <summary>One past the largest code point.</summary>
    public const int CodePointLimit = 0x110000;

    private readonly GrammarElementKind[] _kind; // (elements)
    private readonly int[] _value; // (elements)
    private readonly int[] _alternativeOffsets; // (rules + 1) into _alternatives
    private readonly int[] _alternatives; // first position of every alternative, rule after rule
    private readonly int[] _classAfter; // (elements) position after a class starting here; -1 elsewhere
    private readonly int[] _rangeOffsets; // (elements + 1) into _ranges; a class's ranges are [offset, next offset)
    private readonly int[] _ranges; // start, end-exclusive pairs

    public GrammarTables(Grammar grammar)
    {
        var elements = grammar.Elements;
        _kind = new GrammarElementKind[elements.Length];
        _value = new int[elements.Length];
        for (int i = 0; i < elements.Length; i++)
        {
            _kind[i] = elements[i].Kind;
            _value[i] = elements[i].Value;
        }

        (_alternativeOffsets, _alternatives) = Alternatives(grammar);
        _classAfter = new int[elements.Length];
        _rangeOffsets = new int[elements.Length + 1];
        var ranges = new List<int>();
        for (int i = 0; i < elements.Length; i++)
        {
            _rangeOffsets[i] = ranges.Count;
            _classAfter[i] = elements[i].StartsCharClass ? AddClass(elements, i, ranges) : -1;
        }

        _rangeOffsets[^1] = ranges.Count;
        _ranges = [.. ranges];
    }

    /// <summary>Kind of the element at <paramref name="position"/>.</summary>
    public GrammarElementKind Kind(int position) => _kind[position];

    /// <summary>Value of the element at <paramref name="position"/> (a rule index for references).</summary>
    public int Value(int position) => _value[position];

    /// <summary>True when <paramref name="position"/> ends an alternative (End or Alternate).</summary>
    public bool EndsAlternative(int position) => _kind[position] is GrammarElementKind.End or GrammarElementKind.Alternate;

    /// <summary>The first positions of <paramref name="rule"/>'s alternatives.</summary>
    public ReadOnlySpan<int> AlternativesOf(int rule) =>
        _alternatives.AsSpan(_alternativeOffsets[rule], _alternativeOffsets[rule + 1] - _alternativeOffsets[rule]);

    /// <summary>The position after the class starting at <paramref name="position"/>.</summary>
    public int After(int position) => _classAfter[position];

    /// <summary>The class at <paramref name="position"/> as start, end-exclusive pairs.</summary>
    public ReadOnlySpan<int> Ranges(int position) => _ranges.AsSpan(_rangeOffsets[position], _rangeOffsets[position + 1] - _rangeOffsets[position]);

    /// <summary>True when the class at <paramref name="position"/> matches <paramref name="codePoint"/>.</summary>
    public bool Matches(int position, int codePoint)
    {
        var ranges = Ranges(position);
        for (int i = 0; i < ranges.Length; i += 2)
        {
            if (codePoint < ranges[i])
            {
                return false;
            }

            if (codePoint < ranges[i + 1])
            {
                return true;
            }
        }

        return false;
    }

    private static (int[] Offsets, int[] Starts) Alternatives(Grammar grammar)
    {
        var offsets = new int[grammar.RuleCount + 1];
        var starts = new List<int>();
        var elements = grammar.Elements;
        for (int r = 0; r < grammar.RuleCount; r++)
        {
            offsets[r] = starts.Count;
            int position = grammar.RuleStart(r);
            starts.Add(position);
            for (; elements[position].Kind != GrammarElementKind.End; position++)
            {
                if (elements[position].Kind == GrammarElementKind.Alternate)
                {
                    starts.Add(position + 1);
                }
            }
        }

        offsets[^1] = starts.Count;
        return (offsets, [.. starts]);
    }

    // Appends the class at `start` as normalised ranges; returns the position after it.
    private static int AddClass(ReadOnlySpan<GrammarElement> elements, int start, List<int> output)
    {
        var raw = new List<(int Start, int End)>();
        int i = start;
        do
        {
            var element = elements[i];
            if (element.Kind == GrammarElementKind.CharAny)
            {
                raw.Add((0, CodePointLimit));
                i++;
            }
            else if (elements[i + 1].Kind == GrammarElementKind.CharRangeUpper)
            {
                raw.Add((element.Value, elements[i + 1].Value + 1));
                i += 2;
            }
            else
            {
                raw.Add((element.Value, element.Value + 1));
                i++;
            }
        }
        while (elements[i].Kind == GrammarElementKind.CharAlternate);

        raw.Sort();
        var merged = new List<(int Start, int End)>();
        foreach (var r in raw)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
            }
            else
            {
                merged.Add(r);
            }
        }

        if (elements[start].Kind == GrammarElementKind.CharNot)
        {
            int from = 0;
            foreach (var r in merged)
            {
                if (r.Start > from)
                {
                    output.Add(from);
                    output.Add(r.Start);
                }

                from = r.End;
            }

            if (from < CodePointLimit)
            {
                output.Add(from);
                output.Add(CodePointLimit);
            }
        }
        else
        {
            foreach (var r in merged)
            {
                output.Add(r.Start);
                output.Add(r.End);
            }
        }

        return i;
    }
}
