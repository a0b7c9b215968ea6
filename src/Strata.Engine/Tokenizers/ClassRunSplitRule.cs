// Pre-tokenizer pass for regexes of the form \s?[class]+ , [class]+ , [class] or [class]{n}.
namespace Strata.Engine.Tokenizers;

/// <summary>
/// Matches, leftmost first, an optional whitespace followed by either a maximal run of class members
/// (<c>exactCount</c> = 0) or exactly <c>exactCount</c> members. Linear in the chunk length.
/// </summary>
internal sealed class ClassRunSplitRule(Func<int, bool> member, bool optionalLeadingWhitespace, int exactCount) : SplitRule
{
    /// <inheritdoc/>
    public override void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths)
    {
        int gapStart = start;
        int position = start;
        while (position < end)
        {
            int matchEnd = MatchAt(codepoints, position, end);
            if (matchEnd <= position)
            {
                position++;
                continue;
            }

            if (position > gapStart)
            {
                lengths.Add(position - gapStart);
            }

            lengths.Add(matchEnd - position);
            position = matchEnd;
            gapStart = matchEnd;
        }

        if (end > gapStart)
        {
            lengths.Add(end - gapStart);
        }
    }

    private int MatchAt(ReadOnlySpan<int> codepoints, int position, int end)
    {
        int runStart;
        if (optionalLeadingWhitespace && UnicodeClass.IsWhitespace(codepoints[position])
            && position + 1 < end && member(RegexView(codepoints[position + 1])))
        {
            runStart = position + 1;
        }
        else if (member(RegexView(codepoints[position])))
        {
            runStart = position;
        }
        else
        {
            return position;
        }

        if (exactCount == 0)
        {
            int q = runStart + 1;
            while (q < end && member(RegexView(codepoints[q])))
            {
                q++;
            }

            return q;
        }

        for (int k = 1; k < exactCount; k++)
        {
            if (runStart + k >= end || !member(RegexView(codepoints[runStart + k])))
            {
                return position;
            }
        }

        return runStart + exactCount;
    }
}
