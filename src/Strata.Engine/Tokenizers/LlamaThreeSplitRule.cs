// Pre-tokenizer pass for the Llama 3 / Qwen 2 / Qwen 3.5 regex (case-insensitive contractions, \p{N}{1,3} or \p{N}, \s*[\r\n]+).
namespace Strata.Engine.Tokenizers;

/// <summary>
/// Hand-written split for (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
/// with the semantics of llama.cpp's unicode_regex_split_custom_llama3 and _qwen2 (N = 3 for Llama 3, 1 for Qwen 2).
/// With <c>marksAreLetters</c> it is Qwen 3.5's variant (llama.cpp's _qwen35): letter runs are [\p{L}\p{M}]+ and the
/// punctuation run is [^\s\p{L}\p{M}\p{N}]+, so combining marks stay with the letters they follow.
/// Checked by the llama-bpe, qwen2 and qwen35 vectors (HfTokenizerVectorTests) and by a regex oracle.
/// </summary>
internal sealed class LlamaThreeSplitRule(int maxDigits, bool marksAreLetters = false) : SplitRule
{
    /// <inheritdoc/>
    public override void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths)
    {
        int position = start;
        while (position < end)
        {
            position = EmitNext(codepoints, position, end, lengths);
        }
    }

    private int EmitNext(ReadOnlySpan<int> cps, int position, int end, List<int> lengths)
    {
        int cp = cps[position];
        if (cp == '\'' && position + 1 < end)
        {
            int next = UnicodeClass.ToLower(cps[position + 1]);
            if (next is 's' or 't' or 'm' or 'd')
            {
                return Add(lengths, position, position + 2);
            }

            if (position + 2 < end)
            {
                int nextNext = UnicodeClass.ToLower(cps[position + 2]);
                if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l'))
                {
                    return Add(lengths, position, position + 3);
                }
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+ (Qwen 3.5: [\p{L}\p{M}]+)
        if (cp is not ('\r' or '\n') && !UnicodeClass.IsNumber(cp) && (IsLetter(cp) || IsLetterAt(cps, position + 1, end)))
        {
            int q = position + 1;
            while (IsLetterAt(cps, q, end))
            {
                q++;
            }

            return Add(lengths, position, q);
        }

        // \p{N}{1,maxDigits}
        if (UnicodeClass.IsNumber(cp))
        {
            int q = position;
            while (q < end && q - position < maxDigits && UnicodeClass.IsNumber(cps[q]))
            {
                q++;
            }

            return Add(lengths, position, q);
        }

        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        int first = cp == ' ' ? position + 1 : position;
        if (IsOtherAt(cps, first, end))
        {
            int q = first + 1;
            while (IsOtherAt(cps, q, end))
            {
                q++;
            }

            while (q < end && cps[q] is '\r' or '\n')
            {
                q++;
            }

            return Add(lengths, position, q);
        }

        int whitespace = 0;
        int lastLineBreakEnd = 0;
        while (position + whitespace < end && UnicodeClass.IsWhitespace(cps[position + whitespace]))
        {
            if (cps[position + whitespace] is '\r' or '\n')
            {
                lastLineBreakEnd = position + whitespace + 1;
            }

            whitespace++;
        }

        if (lastLineBreakEnd > 0)
        {
            return Add(lengths, position, lastLineBreakEnd);
        }

        if (whitespace > 1 && position + whitespace < end)
        {
            return Add(lengths, position, position + whitespace - 1);
        }

        return Add(lengths, position, whitespace > 0 ? position + whitespace : position + 1);
    }

    private static int Add(List<int> lengths, int from, int to)
    {
        lengths.Add(to - from);
        return to;
    }

    private bool IsLetter(int cp) => UnicodeClass.IsLetter(cp) || (marksAreLetters && UnicodeClass.IsMark(cp));

    private bool IsLetterAt(ReadOnlySpan<int> cps, int position, int end) => position < end && IsLetter(cps[position]);

    private bool IsOtherAt(ReadOnlySpan<int> cps, int position, int end) =>
        position < end && !UnicodeClass.IsWhitespace(cps[position]) && !IsLetter(cps[position]) && !UnicodeClass.IsNumber(cps[position]);
}
