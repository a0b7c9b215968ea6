// Checks hand-written pre-tokenizer splits against the original regexes run by .NET Regex (an independent oracle).
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

public class PreTokenizerOracleTests
{
    private const string LlamaThreeRegex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string QwenTwoRegex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // Qwen 3.5: combining marks join letter runs and leave the punctuation run.
    private const string QwenThreePointFiveRegex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string GptTwoRegex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach ((string text, _) in VocabTestVectors.Load("gpt-2"))
        {
            data.Add("llama-bpe", text);
            data.Add("gpt-2", text);
        }

        foreach (string extra in (string[])["I'M HERE 'LL 'Re", "a\r\n\r\n  b", "x  \n  y\t\t", "1234567 89", "?!\n\nok", "  "])
        {
            data.Add("llama-bpe", extra);
            data.Add("gpt-2", extra);
        }

        // The qwen35 vector strings (they add combining marks: "e\u0301", "Vie\u0323\u0302t") and a few more with marks.
        foreach ((string text, _) in VocabTestVectors.LoadFiles(HfTokenizerFixtures.VectorPrefix("qwen35")))
        {
            data.Add("qwen2", text);
            data.Add("qwen35", text);
        }

        foreach (string extra in (string[])["\u0301abc", " \u0301\u0302x", "a\u0300\u0301!\u0301", "1\u0301 2", "x \u20DD y", "'\u0301s"])
        {
            data.Add("qwen2", extra);
            data.Add("qwen35", extra);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Split_TestStrings_MatchesRegexOracle(string preName, string text)
    {
        Assert.True(BpePreTokenizer.TryCreate(preName, out BpePreTokenizer? pre));
        var codepoints = new List<int>();
        UnicodeClass.ToCodepoints(text, codepoints);
        var lengths = new List<int>();
        pre.Split(CollectionsMarshal.AsSpan(codepoints), lengths, []);

        var actual = new List<string>();
        int offset = 0;
        foreach (int length in lengths)
        {
            var sb = new System.Text.StringBuilder();
            for (int i = offset; i < offset + length; i++)
            {
                sb.Append(char.ConvertFromUtf32(codepoints[i]));
            }

            actual.Add(sb.ToString());
            offset += length;
        }

        var expected = new List<string>();
        string regex = preName switch
        {
            "gpt-2" => GptTwoRegex,
            "qwen2" => QwenTwoRegex,
            "qwen35" => QwenThreePointFiveRegex,
            _ => LlamaThreeRegex,
        };
        foreach (Match m in Regex.Matches(text, regex))
        {
            expected.Add(m.Value);
        }

        Assert.Equal(expected, actual);
    }
}
