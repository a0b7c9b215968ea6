// One pre-tokenizer pass: splits a chunk of code points into consecutive sub-chunks (matches and the gaps between).
namespace Strata.Engine.Tokenizers;

/// <summary>
/// A pre-tokenizer pass, equivalent to one regex of llama.cpp's unicode_regex_split: within a chunk, every match and
/// every non-empty gap between matches becomes a chunk of its own.
/// </summary>
internal abstract class SplitRule
{
    /// <summary>Splits <paramref name="codepoints"/>[start, end) and appends the sub-chunk lengths.</summary>
    public abstract void SplitChunk(ReadOnlySpan<int> codepoints, int start, int end, List<int> lengths);

    /// <summary>
    /// The code point a std::regex sees: llama.cpp replaces non-ASCII whitespace with U+000B before matching.
    /// </summary>
    protected static int RegexView(int cp) => cp > 0x7F && UnicodeClass.IsWhitespace(cp) ? 0x0B : cp;
}
