// Pre-tokenizer pass for the regex [^\n]+|[\n]+ (Gemma 4's only split: newline runs apart from the rest).
namespace Strata.Engine.Tokenizers;

/// <summary>Splits a chunk into alternating runs of newlines and of everything else, as llama.cpp's _newlines split.</summary>
internal sealed class NewlineRunSplitRule : SplitRule
{
    /// <inheritdoc/>
    public override void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths)
    {
        int position = start;
        while (position < end)
        {
            bool newline = codepoints[position] == '\n';
            int runStart = position;
            while (position < end && (codepoints[position] == '\n') == newline)
            {
                position++;
            }

            lengths.Add(position - runStart);
        }
    }
}
