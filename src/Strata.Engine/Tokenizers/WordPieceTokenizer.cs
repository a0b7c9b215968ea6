// WordPiece tokenizer ("bert" GGUF model): BERT-style normalisation and greedy longest-match, as llama.cpp's WPM.
using System.Runtime.InteropServices;
using System.Text;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// llama.cpp's WPM tokenizer. Each code point is replaced by the first code point of its NFD form (which strips
/// accents) and lower-cased; whitespace separates words; control characters, U+0000 and U+FFFD are dropped;
/// punctuation, ASCII symbols and CJK ideographs become one-character words. Each word is matched greedily, longest
/// piece first, against the vocabulary, which stores word-initial pieces with a "▁" prefix and continuations bare
/// (BERT's "##" removed). A word with an unmatched remainder becomes [UNK]. addSpecial wraps the ids in [CLS] … [SEP]
/// (llama.cpp adds both whatever add_bos/add_eos say); <see cref="ITokenizer.EosId"/> is -1 unless the file sets one.
/// </summary>
public sealed class WordPieceTokenizer : GgufTokenizer
{
    private const char WordMarker = '\u2581';

    internal WordPieceTokenizer(GgufVocabulary vocabulary) : base(vocabulary)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "wpm";

    /// <inheritdoc/>
    public override bool AddBosByDefault => true;

    /// <inheritdoc/>
    public override bool AddEosByDefault => true;

    /// <summary>[SEP] id, appended by addSpecial.</summary>
    public int SeparatorId => Vocabulary.SeparatorId;

    private protected override int EndIdForAddSpecial => Vocabulary.SeparatorId;

    private protected override void EncodeFragments(ReadOnlySpan<char> text, List<TextFragment> fragments, List<int> output)
    {
        var codepoints = new List<int>();
        var word = new StringBuilder();
        foreach (TextFragment fragment in fragments)
        {
            if (!fragment.IsText)
            {
                output.Add(fragment.TokenId);
                continue;
            }

            codepoints.Clear();
            UnicodeClass.ToCodepoints(text.Slice(fragment.Start, fragment.Length), codepoints);
            word.Clear();
            foreach (int original in CollectionsMarshal.AsSpan(codepoints))
            {
                int cp = NfdFirstCodepoint.Map(original);
                if (UnicodeClass.IsWhitespace(cp))
                {
                    EmitWord(word, output);
                    continue;
                }

                if (cp == 0 || cp == UnicodeClass.ReplacementCharacter || UnicodeClass.IsControl(cp))
                {
                    continue;
                }

                int lower = UnicodeClass.ToLower(cp);
                if (UnicodeClass.IsPunctuation(cp) || (cp < 0x7F && UnicodeClass.IsSymbol(cp)) || IsChineseCharacter(cp))
                {
                    EmitWord(word, output);
                    word.Append(char.ConvertFromUtf32(lower));
                    EmitWord(word, output);
                }
                else
                {
                    word.Append(char.ConvertFromUtf32(lower));
                }
            }

            EmitWord(word, output);
        }
    }

    private protected override void AppendPieceFromVocabulary(int tokenId, List<byte> utf8)
    {
        string text = Vocabulary.Texts[tokenId];
        switch (Vocabulary.Types[tokenId])
        {
            case GgufTokenType.Normal:
                AppendUtf8(text.Replace(WordMarker, ' '), utf8);
                break;
            case GgufTokenType.UserDefined:
                AppendUtf8(text, utf8);
                break;
            default:
                break;
        }
    }

    private void EmitWord(StringBuilder word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }

        int length = word.Length + 1;
        char[] buffer = new char[length];
        buffer[0] = WordMarker;
        word.CopyTo(0, buffer, 1, word.Length);
        word.Clear();

        int before = output.Count;
        int maxChars = Vocabulary.MaxTokenChars;
        for (int i = 0; i < length;)
        {
            int matchedEnd = -1;
            for (int j = Math.Min(length, i + maxChars); j > i; j--)
            {
                int id = Vocabulary.Find(buffer.AsSpan(i, j - i));
                if (id >= 0)
                {
                    output.Add(id);
                    matchedEnd = j;
                    break;
                }
            }

            if (matchedEnd < 0)
            {
                output.RemoveRange(before, output.Count - before);
                break;
            }

            i = matchedEnd;
        }

        if (output.Count == before)
        {
            output.Add(Vocabulary.UnknownId);
        }
    }

    private static bool IsChineseCharacter(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
