// llama2.c tokenizer.bin: run.c encode/decode semantics and strict validation of corrupt files.
using Strata.Engine.Artifacts;
using Strata.Engine.Tokenizers;
using Xunit;

namespace Strata.Engine.Tests.Tokenizers;

public class Llama2cTokenizerTests
{
    private const int Tok512VocabSize = 512;

    private static string Tok512Path => Path.Combine(TestPaths.Models, "tok512.bin");

    [Fact]
    public void Encode_OnceUponATimeWithBos_MatchesRunC()
    {
        Llama2cTokenizer tokenizer = TokenizerFactory.FromLlama2c(Tok512Path, Tok512VocabSize);

        int[] ids = tokenizer.Encode("Once upon a time", addSpecial: true);

        Assert.Equal([1, 403, 407, 261, 378], ids);
        Assert.Equal("Once upon a time", tokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_EmptyTextWithBos_IsBosOnly()
    {
        Llama2cTokenizer tokenizer = TokenizerFactory.FromLlama2c(Tok512Path, Tok512VocabSize);

        Assert.Equal([1], tokenizer.Encode(string.Empty, addSpecial: true));
        Assert.Empty(tokenizer.Encode(string.Empty, addSpecial: false));
    }

    [Fact]
    public void Encode_Stories260KGoldenPrompts_MatchLlamaCpp()
    {
        Llama2cTokenizer tokenizer = TokenizerFactory.FromLlama2c(Tok512Path, Tok512VocabSize);
        foreach ((string prompt, int[] withBos, int[] withoutBos) in GoldenPrompts.Load("stories260K.gguf.llamacpp.json"))
        {
            Assert.Equal(withBos, tokenizer.Encode(prompt, addSpecial: true));
            Assert.Equal(withoutBos, tokenizer.Encode(prompt, addSpecial: false));
            Assert.Equal(prompt, tokenizer.Decode(withBos));
        }
    }

    [Fact]
    public void TokenBytes_ByteFallbackAndSpecials_DecodeLikeRunC()
    {
        Llama2cTokenizer tokenizer = TokenizerFactory.FromLlama2c(Tok512Path, Tok512VocabSize);

        Assert.Equal("\n"u8.ToArray(), tokenizer.TokenBytes(13).ToArray());
        Assert.Equal(0, tokenizer.TokenBytes(1).Length);
        Assert.Equal(" Once"u8.ToArray(), tokenizer.TokenBytes(403).ToArray());
        Assert.True(tokenizer.IsEndOfGeneration(2));
        Assert.False(tokenizer.IsEndOfGeneration(403));
    }

    [Fact]
    public void Encode_TenThousandChars_IsFastRoundTripsAndDecodesWithoutAllocating()
    {
        Llama2cTokenizer tokenizer = TokenizerFactory.FromLlama2c(Tok512Path, Tok512VocabSize);
        var sb = new System.Text.StringBuilder();
        while (sb.Length < 10_000)
        {
            sb.Append("Once upon a time, Lily saw a big red ball. naïve 🦙\n");
        }

        string text = sb.ToString();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int[] ids = tokenizer.Encode(text, addSpecial: true);
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{text.Length} chars took {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(text, tokenizer.Decode(ids));
        long total = 0;
        long allocated = long.MaxValue;
        for (int attempt = 0; attempt < 4 && allocated != 0; attempt++)
        {
            // The first passes may include JIT tiering allocations on this thread; a settled pass must allocate nothing.
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (int id in ids)
            {
                total += tokenizer.TokenBytes(id).Length;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    [Fact]
    public void Load_TruncatedAtEveryLength_ThrowsModelFormatException()
    {
        byte[] good = File.ReadAllBytes(Tok512Path);
        for (int length = 0; length < good.Length; length += length < 64 ? 1 : 37)
        {
            string path = WriteTemp(good.AsSpan(0, length).ToArray());
            try
            {
                var e = Assert.Throws<ModelFormatException>(() => Llama2cTokenizer.Load(path, Tok512VocabSize));
                Assert.Contains("tok", e.Message, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void Load_TrailingBytesOrWrongVocabSize_ThrowsModelFormatException()
    {
        byte[] good = File.ReadAllBytes(Tok512Path);
        string path = WriteTemp([.. good, 0, 0, 0, 0]);
        try
        {
            Assert.Throws<ModelFormatException>(() => Llama2cTokenizer.Load(path, Tok512VocabSize));
            Assert.Throws<ModelFormatException>(() => Llama2cTokenizer.Load(Tok512Path, Tok512VocabSize - 1));
            Assert.Throws<ModelFormatException>(() => Llama2cTokenizer.Load(Tok512Path, Tok512VocabSize + 1));
            Assert.Throws<ModelFormatException>(() => Llama2cTokenizer.Load(Tok512Path, 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_RandomOrMutatedBytes_ThrowsOnlyModelFormatException()
    {
        byte[] good = File.ReadAllBytes(Tok512Path);
        var random = new Random(20251127);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] data;
            if (trial % 2 == 0)
            {
                data = new byte[random.Next(0, 8192)];
                random.NextBytes(data);
            }
            else
            {
                data = (byte[])good.Clone();
                for (int k = 0; k < 4; k++)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }
            }

            string path = WriteTemp(data);
            try
            {
                Exception? error = Record.Exception(() => Llama2cTokenizer.Load(path, Tok512VocabSize));
                Assert.True(error is null or ModelFormatException, $"trial {trial}: {error}");
                Assert.True(trial % 2 == 1 || error is not null, $"trial {trial}: random bytes were accepted");
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static string WriteTemp(byte[] data)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-tok512-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, data);
        return path;
    }
}
