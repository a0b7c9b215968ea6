// Splits text around user-defined ("added") tokens before tokenizing, as llama.cpp's tokenizer_st_partition does.
namespace Strata.Engine.Tokenizers;

/// <summary>
/// llama.cpp partitions the text on special tokens before the model's tokenizer runs. With parse_special = false
/// (the default) control and unknown tokens are skipped, so only USER_DEFINED tokens are matched, longest text first;
/// with parse_special = true (a rendered chat template, whose text holds the model's control tokens) CONTROL and
/// UNKNOWN tokens are matched too.
/// Tokens with the rstrip/lstrip attribute swallow adjacent ASCII whitespace (llama.cpp gives every user-defined token
/// except &lt;unk&gt;, &lt;s&gt; and &lt;|endoftext|&gt; rstrip for Phi-3 models).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly string[] _texts;
    private readonly int[] _ids;
    private readonly bool[] _rightStrip;
    private readonly bool[] _leftStrip;

    public AddedTokenSplitter(GgufVocabulary vocab, bool parseSpecial = false)
    {
        var ids = new List<int>();
        for (int id = 0; id < vocab.Count; id++)
        {
            var type = vocab.Types[id];
            if (type == GgufTokenType.UserDefined
                || (parseSpecial && type is GgufTokenType.Control or GgufTokenType.Unknown && vocab.Texts[id].Length > 0))
            {
                ids.Add(id);
            }
        }

        // Longest UTF-8 text first (llama.cpp's order); ties by id so the order is deterministic.
        ids.Sort((a, b) =>
        {
            int byLength = System.Text.Encoding.UTF8.GetByteCount(vocab.Texts[b]).CompareTo(System.Text.Encoding.UTF8.GetByteCount(vocab.Texts[a]));
            return byLength != 0 ? byLength : a.CompareTo(b);
        });

        bool phi3 = vocab.ModelName.Contains("phi-3", StringComparison.Ordinal) || vocab.ModelName.Contains("phi3", StringComparison.Ordinal);
        _ids = ids.ToArray();
        _texts = new string[_ids.Length];
        _rightStrip = new bool[_ids.Length];
        _leftStrip = new bool[_ids.Length];
        for (int i = 0; i < _ids.Length; i++)
        {
            string text = vocab.Texts[_ids[i]];
            _texts[i] = text;
            _rightStrip[i] = phi3 && text is not ("<unk>" or "<s>" or "<|endoftext|>");
        }
    }

    /// <summary>Splits <paramref name="text"/> into fragments; an empty text gives no fragments.</summary>
    public void Split(ReadOnlySpan<char> text, List<TextFragment> fragments)
    {
        fragments.Clear();
        if (text.IsEmpty)
        {
            return;
        }

        fragments.Add(new TextFragment(0, text.Length, -1));
        if (_ids.Length == 0)
        {
            return;
        }

        var next = new List<TextFragment>();
        for (int t = 0; t < _ids.Length; t++)
        {
            if (text.IndexOf(_texts[t].AsSpan()) < 0)
            {
                continue;
            }

            next.Clear();
            foreach (TextFragment fragment in fragments)
            {
                if (fragment.IsText)
                {
                    SplitFragment(text, fragment, t, next);
                }
                else
                {
                    next.Add(fragment);
                }
            }

            fragments.Clear();
            fragments.AddRange(next);
        }
    }

    private void SplitFragment(ReadOnlySpan<char> text, TextFragment fragment, int t, List<TextFragment> output)
    {
        ReadOnlySpan<char> token = _texts[t];
        int start = fragment.Start;
        int length = fragment.Length;
        while (length > 0)
        {
            int at = text.Slice(start, length).IndexOf(token);
            if (at < 0)
            {
                break;
            }

            int leftLength = at;
            if (_leftStrip[t])
            {
                while (leftLength > 0 && IsAsciiSpace(text[start + leftLength - 1]))
                {
                    leftLength--;
                }
            }

            if (leftLength > 0)
            {
                output.Add(new TextFragment(start, leftLength, -1));
            }

            output.Add(new TextFragment(start + at, token.Length, _ids[t]));
            int rightStart = start + at + token.Length;
            int rightLength = start + length - rightStart;
            if (_rightStrip[t])
            {
                while (rightLength > 0 && IsAsciiSpace(text[rightStart]))
                {
                    rightStart++;
                    rightLength--;
                }
            }

            start = rightStart;
            length = rightLength;
        }

        if (length > 0)
        {
            output.Add(new TextFragment(start, length, -1));
        }
    }

    private static bool IsAsciiSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
