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
        foreach (Match m in Regex.Matches(text, preName == "gpt-2" ? GptTwoRegex : LlamaThreeRegex))
        {
            expected.Add(m.Value);
        }

        Assert.Equal(expected, actual);
    }
}
