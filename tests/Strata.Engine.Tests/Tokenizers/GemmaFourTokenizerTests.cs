// The "gemma4" GGUF tokenizer (SentencePiece-style BPE) on a tiny hand-made vocabulary: merges, byte fallback, newline runs, BOS.
using Strata.Engine.Artifacts;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

public class GemmaFourTokenizerTests
{
    // Ids: 0 <bos>, 1 ▁, 2 a, 3 b, 4 ab, 5 ▁ab, 6 <0xC3>, 7 <0xA9>, 8 \n, 9 \n\n, 10 x\n (only reachable across a newline).
    private static GgufTokenizer Build(bool addBos)
    {
        string path = new TinyGgufWriter()
            .String("tokenizer.ggml.model", "gemma4")
            .Strings("tokenizer.ggml.tokens", "<bos>", "\u2581", "a", "b", "ab", "\u2581ab", "<0xC3>", "<0xA9>", "\n", "\n\n", "x\n")
            .Ints("tokenizer.ggml.token_type", 3, 1, 1, 1, 1, 1, 6, 6, 1, 1, 1)
            .Strings("tokenizer.ggml.merges", "a b", "\u2581 ab", "\n \n", "x \n")
            .UInt32("tokenizer.ggml.bos_token_id", 0)
            .Bool("tokenizer.ggml.add_bos_token", addBos)
            .WriteTemp();
        try
        {
            using GgufFile file = GgufFile.Open(path);
            return TokenizerFactory.FromGguf(file);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Encode_SpacesBecomeMarkersAndMergeByRank()
    {
        GgufTokenizer tokenizer = Build(addBos: true);

        // The whole line is one word: a+b merges first (rank 0), then ▁+ab; "a" alone stays.
        Assert.Equal([5, 5], tokenizer.Encode(" ab ab", addSpecial: false));
        Assert.Equal([4, 1, 2], tokenizer.Encode("ab a", addSpecial: false));
        Assert.Equal("bpe", tokenizer.Kind);
    }

    [Fact]
    public void Encode_CharacterWithoutToken_FallsBackToByteTokens()
    {
        GgufTokenizer tokenizer = Build(addBos: true);

        Assert.Equal([1, 6, 7], tokenizer.Encode(" \u00e9", addSpecial: false));
    }

    [Fact]
    public void Encode_NewlineRun_IsSplitOffAndTakenWholeWhenItIsAToken()
    {
        GgufTokenizer tokenizer = Build(addBos: true);

        // "x\n" is a token and a merge, but the newline run is its own word, so x (no token, no byte token) drops out.
        Assert.Equal([4, 9, 4], tokenizer.Encode("ab\n\nab", addSpecial: false));
        Assert.Equal([8], tokenizer.Encode("x\n", addSpecial: false));
    }

    [Fact]
    public void Encode_AddBosFalseInMetadata_StillAddsBos()
    {
        // llama.cpp overrides add_bos_token to true for Gemma 4.
        GgufTokenizer tokenizer = Build(addBos: false);

        Assert.True(tokenizer.AddBosByDefault);
        Assert.Equal([0, 4], tokenizer.Encode("ab", addSpecial: true));
    }

    [Fact]
    public void Decode_MarkersAndByteTokens_GiveBackTheText()
    {
        GgufTokenizer tokenizer = Build(addBos: true);

        Assert.Equal(" ab \u00e9\n\n", tokenizer.Decode([0, 5, 1, 6, 7, 9]));
    }
}
