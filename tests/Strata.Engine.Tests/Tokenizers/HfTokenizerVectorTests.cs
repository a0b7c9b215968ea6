// Acceptance (issue 18): llama.cpp's Llama 3, Qwen 2, Qwen 3.5 and Gemma 4 vectors on tokenizers built from tokenizer.json.
using System.Text;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>
/// Each vector file is run on the tokenizer converted from the Hugging Face tokenizer.json of the same vocabulary
/// (shared/models/tokenizers), through the conversion strata synth --vocab-from uses; every id list must match exactly.
/// Gemma 3's tokenizer.json carries Gemma 4's vocabulary and merges as far as these vectors reach (all 46 match).
/// Qwen 3.5's vocabulary is not here: its vectors run on Qwen 3's with the qwen35 pre-tokenizer, which holds for these
/// strings (every expected id is a Qwen 3 token) but says nothing of the tokens Qwen 3.5 added.
/// </summary>
public class HfTokenizerVectorTests
{
    [Theory]
    [InlineData("llama3_1", "llama-bpe", 46)]
    [InlineData("qwen3", "qwen2", 46)]
    [InlineData("gemma3", "gemma-4", 46)]
    public void Encode_VectorsOfTheSameVocabulary_MatchLlamaCpp(string tokenizer, string vectors, int count)
    {
        GgufTokenizer built = HfTokenizerFixtures.Tokenizer(tokenizer);
        AssertVectors(built, vectors, count);
    }

    [Fact]
    public void Encode_QwenThreePointFiveVectorsOnQwenThreeVocabulary_MatchLlamaCpp()
    {
        GgufTokenizer built = HfTokenizerFixtures.Build(HfTokenizerFixtures.TokenizerJson("qwen3"), preTokenizer: "qwen35");
        AssertVectors(built, "qwen35", 50);
    }

    internal static void AssertVectors(GgufTokenizer tokenizer, string vectors, int count)
    {
        List<(string Text, int[] Ids)> cases = VocabTestVectors.LoadFiles(HfTokenizerFixtures.VectorPrefix(vectors));
        Assert.Equal(count, cases.Count);
        var failures = new StringBuilder();
        int passed = 0;
        foreach ((string text, int[] expected) in cases)
        {
            int[] actual = tokenizer.Encode(text, addSpecial: false);
            if (actual.AsSpan().SequenceEqual(expected))
            {
                passed++;
                continue;
            }

            failures.AppendLine($"  text {GgufTokenizerVectorTests.Escape(text)}\n    expected [{string.Join(' ', expected)}]\n    actual   [{string.Join(' ', actual)}]");
        }

        Assert.True(passed == cases.Count, $"{vectors}: {passed}/{cases.Count} passed\n{failures}");
    }
}
