// Pre-tokenizer pass for GPT-2's regex 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ .
namespace Strata.Engine.Tokenizers;

/// <summary>
/// Hand-written GPT-2 split with the exact semantics of llama.cpp's unicode_regex_split_custom_gpt2 (contractions are
/// case-sensitive; a whitespace run followed by a non-space keeps its last whitespace for the next word).
/// </summary>
internal sealed class GptTwoSplitRule : SplitRule
{
    private enum Kind
    {
        OutOfRange,
        Letter,
        Number,
        Whitespace,
        Other,
    }

    /// <inheritdoc/>
    public override void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths)
    {
        int position = start;
        while (position < end)
        {
            int tokenEnd = NextEnd(codepoints, position, end);
            lengths.Add(tokenEnd - position);
            position = tokenEnd;
        }
    }

    private static int NextEnd(ReadOnlySpan<int> cps, int position, int end)
    {
        int cp = cps[position];
        if (cp == '\'' && position + 1 < end)
        {
            int next = cps[position + 1];
            if (next is 's' or 't' or 'm' or 'd')
            {
                return position + 2;
            }

            if (position + 2 < end)
            {
                int nextNext = cps[position + 2];
                if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l'))
                {
                    return position + 3;
                }
            }
        }

        Kind kind = cp == ' ' ? KindAt(cps, position + 1, end) : KindAt(cps, position, end);
        if (kind is Kind.Letter or Kind.Number or Kind.Other)
        {
            int q = cp == ' ' ? position + 1 : position;
            while (KindAt(cps, q, end) == kind)
            {
                q++;
            }

            return q;
        }

        int whitespace = 0;
        while (KindAt(cps, position + whitespace, end) == Kind.Whitespace)
        {
            whitespace++;
        }

        if (whitespace > 1 && position + whitespace < end)
        {
            return position + whitespace - 1;
        }

        return whitespace > 0 ? position + whitespace : position + 1;
    }

    private static Kind KindAt(ReadOnlySpan<int> cps, int position, int end)
    {
        if (position >= end)
        {
            return Kind.OutOfRange;
        }

        int cp = cps[position];
        if (UnicodeClass.IsWhitespace(cp))
        {
            return Kind.Whitespace;
        }

        return UnicodeClass.IsLetter(cp) ? Kind.Letter : UnicodeClass.IsNumber(cp) ? Kind.Number : Kind.Other;
    }
}
