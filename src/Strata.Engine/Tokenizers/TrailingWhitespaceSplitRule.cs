// Pre-tokenizer pass for the regex \s+$ (whitespace at the end of a chunk).
namespace Strata.Engine.Tokenizers;

/// <summary>Splits off the whitespace run that ends a chunk (the only place \s+$ can match).</summary>
internal sealed class TrailingWhitespaceSplitRule : SplitRule
{
    /// <inheritdoc/>
    public override void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths)
    {
        int runStart = end;
        while (runStart > start && UnicodeClass.IsWhitespace(codepoints[runStart - 1]))
        {
            runStart--;
        }

        if (runStart > start)
        {
            lengths.Add(runStart - start);
        }

        if (end > runStart)
        {
            lengths.Add(end - runStart);
        }
    }
}
