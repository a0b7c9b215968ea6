// Acceptance: every llama.cpp vocabulary test vector (.inp/.out) must tokenize to exactly the expected ids.
using System.Text;
using Strata.Engine.Artifacts;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

public class GgufTokenizerVectorTests
{
    public static TheoryData<string> Vocabularies()
    {
        var data = new TheoryData<string>();
        foreach (string name in VocabTestVectors.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Encode_VocabTestVectors_MatchLlamaCpp(string name)
    {
        using GgufFile file = GgufFile.Open(VocabTestVectors.GgufPath(name));
        GgufTokenizer tokenizer = TokenizerFactory.FromGguf(file);
        var failures = new StringBuilder();
        int passed = 0;
        List<(string Text, int[] Ids)> cases = VocabTestVectors.Load(name);
        Assert.Equal(46, cases.Count);
        foreach ((string text, int[] expected) in cases)
        {
            int[] actual = tokenizer.Encode(text, addSpecial: false);
            if (actual.AsSpan().SequenceEqual(expected))
            {
                passed++;
                continue;
            }

            failures.AppendLine($"  text {Escape(text)}\n    expected [{string.Join(' ', expected)}]\n    actual   [{string.Join(' ', actual)}]");
        }

        Assert.True(passed == cases.Count, $"{name}: {passed}/{cases.Count} passed\n{failures}");
    }

    [Theory]
    [InlineData("llama-spm")]
    [InlineData("phi-3")]
    [InlineData("gpt-2")]
    [InlineData("deepseek-coder")]
    [InlineData("deepseek-llm")]
    [InlineData("falcon")]
    [InlineData("mpt")]
    [InlineData("refact")]
    [InlineData("starcoder")]
    public void Decode_EncodedTestStrings_RoundTrips(string name)
    {
        using GgufFile file = GgufFile.Open(VocabTestVectors.GgufPath(name));
        GgufTokenizer tokenizer = TokenizerFactory.FromGguf(file);
        var failures = new StringBuilder();
        foreach ((string text, _) in VocabTestVectors.Load(name))
        {
            foreach (bool addSpecial in (bool[])[false, true])
            {
                string decoded = tokenizer.Decode(tokenizer.Encode(text, addSpecial));
                if (decoded != text)
                {
                    failures.AppendLine($"  addSpecial={addSpecial} {Escape(text)} -> {Escape(decoded)}");
                }
            }
        }

        Assert.True(failures.Length == 0, $"{name} round trips failed:\n{failures}");
    }

    internal static string Escape(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '"' => "\\\"",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
