// The tokenizers converted from shared/models/tokenizers: round trips, special tokens and the metadata written for Gemma.
using System.Text;
using Strata.Engine.Artifacts;
using Strata.Engine.Synthesis;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

public class HfTokenizerVocabularyTests
{
    [Theory]
    [InlineData("llama3_1", "llama-bpe")]
    [InlineData("qwen3", "qwen2")]
    [InlineData("gemma3", "gemma-4")]
    public void Decode_EncodedVectorStrings_RoundTrips(string tokenizerName, string vectors)
    {
        GgufTokenizer tokenizer = HfTokenizerFixtures.Tokenizer(tokenizerName);
        var failures = new StringBuilder();
        foreach ((string text, _) in VocabTestVectors.LoadFiles(HfTokenizerFixtures.VectorPrefix(vectors)))
        {
            foreach (bool addSpecial in (bool[])[false, true])
            {
                string decoded = tokenizer.Decode(tokenizer.Encode(text, addSpecial));
                if (decoded != text)
                {
                    failures.AppendLine($"  addSpecial={addSpecial} {GgufTokenizerVectorTests.Escape(text)} -> {GgufTokenizerVectorTests.Escape(decoded)}");
                }
            }
        }

        Assert.True(failures.Length == 0, $"{tokenizerName} round trips failed:\n{failures}");
    }

    [Fact]
    public void Add_GemmaThree_WritesGemmaFourStyleMetadata()
    {
        var writer = new GgufWriter();
        int size = HfTokenizerVocabulary.Add(writer, HfTokenizerFixtures.TokenizerJson("gemma3"));
        string path = Path.Combine(Path.GetTempPath(), $"strata-hf-vocab-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Write(path);
            using GgufFile file = GgufFile.Open(path);

            Assert.Equal(262145, size);
            Assert.Equal("gemma4", file.GetString("tokenizer.ggml.model"));
            Assert.True(file.TryGetValue("tokenizer.ggml.add_space_prefix", out GgufValue prefix) && prefix.TryGetBool(out bool addPrefix) && !addPrefix);
            Assert.True(file.TryGetValue("tokenizer.ggml.scores", out GgufValue scores) && scores.TryGetArray(out float[] values) && values.Length == size);
            Assert.True(file.TryGetValue("tokenizer.ggml.merges", out GgufValue merges) && merges.TryGetArray(out string[] pairs) && pairs.Length == 514906);
            Assert.NotNull(file.GetString("tokenizer.chat_template"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tokenizer_GemmaThree_HasItsSpecialTokens()
    {
        GgufTokenizer tokenizer = HfTokenizerFixtures.Tokenizer("gemma3");

        Assert.Equal(2, tokenizer.BosId);
        Assert.Equal(106, tokenizer.EosId);
        Assert.Equal(3, tokenizer.UnknownId);
        Assert.True(tokenizer.AddBosByDefault);
        Assert.Equal(GgufTokenType.Control, tokenizer.TokenType(105));
        int[] unassigned = tokenizer.Encode("\u0378", addSpecial: false);
        Assert.Equal(["<0xCD>", "<0xB8>"], Array.ConvertAll(unassigned, tokenizer.TokenText));
        Assert.Equal(GgufTokenType.Byte, tokenizer.TokenType(unassigned[0]));
        Assert.Equal(GgufTokenType.Normal, tokenizer.TokenType(108));
        Assert.True(tokenizer.IsEndOfGeneration(106));

        int[] user = tokenizer.Encode("user", addSpecial: false);
        int[] hi = tokenizer.Encode("Hi", addSpecial: false);
        int[] ids = tokenizer.EncodeParsingSpecial("<start_of_turn>user\nHi<end_of_turn>\n", addSpecial: true);

        Assert.Equal([2, 105, .. user, 107, .. hi, 106, 107], ids);
        Assert.Equal("user\nHi\n", tokenizer.Decode(ids));
    }

    [Fact]
    public void Tokenizer_LlamaThreeAndQwenThree_NameTheirPreTokenizers()
    {
        Assert.Equal("llama-bpe", Assert.IsType<BpeTokenizer>(HfTokenizerFixtures.Tokenizer("llama3_1")).PreTokenizerName);
        Assert.Equal("qwen2", Assert.IsType<BpeTokenizer>(HfTokenizerFixtures.Tokenizer("qwen3")).PreTokenizerName);
        Assert.Equal("gemma4", Assert.IsType<BpeTokenizer>(HfTokenizerFixtures.Tokenizer("gemma3")).PreTokenizerName);
    }

    [Fact]
    public void Add_NormalizerThatPrependsMarker_IsRejectedWithItsReason()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"strata-hf-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string json = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(json, """
                {"normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                  {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
                 "pre_tokenizer": null, "added_tokens": [],
                 "model": {"type": "BPE", "byte_fallback": true, "vocab": {"a": 0}, "merges": []}}
                """);

            var e = Assert.Throws<ModelFormatException>(() => HfTokenizerVocabulary.Add(new GgufWriter(), json));

            Assert.Contains("prepends", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
