// ModelArtifact.Open / ModelRuntime.Load on targeted corruptions of the real stories260K files (header fields the random fuzzer rarely hits together).
using System.Buffers.Binary;
using System.Text;
using Strata.Compiler;
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Substrate;

namespace Strata.Engine.Tests.Artifacts;

public sealed class ModelArtifactTests
{
    private static readonly EngineOptions Options = new(Threads: 1, ContextTokens: 64);

    private static string Tok512 => SharedModels.File("tok512.bin");

    private static byte[] Llama2cHeader(params int[] fields)
    {
        var bytes = new byte[7 * 4 + 4096];
        for (int i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), fields[i]);
        }

        return bytes;
    }

    private static ModelFormatException OpenRejects(byte[] model, string? tokenizer, params string[] mustContain)
    {
        using var temp = new TempGguf(model);
        var e = Assert.Throws<ModelFormatException>(() => ModelArtifact.Open(temp.Path, tokenizer).Dispose());
        foreach (string s in mustContain)
        {
            Assert.Contains(s, e.Message);
        }

        return e;
    }

    [Theory]
    [InlineData(1 << 20, 1 << 20)] // q and o alone need 2 × 2^62 bytes: the sum overflows long
    [InlineData(1 << 20, 1 << 19)]
    [InlineData(1 << 19, 1 << 20)]
    public void Open_Llama2cHeaderWhoseSizeOverflows_ThrowsModelFormatException(int dim, int layers)
    {
        byte[] header = Llama2cHeader(dim, 1 << 20, layers, 8, 4, 512, 1 << 20);
        OpenRejects(header, Tok512, "header");
    }

    [Fact]
    public void Read_GenuineLlama2c_ExpectsExactlyItsLength()
    {
        using var file = MappedFile.Open(SharedModels.File("stories260K.bin"));
        var checkpoint = Llama2cCheckpoint.Read(file);
        Assert.Equal(file.LengthBytes, checkpoint.ExpectedBytes);
        Assert.True(checkpoint.SharedClassifier);
        Assert.Equal(512, checkpoint.Spec.VocabSize);
    }

    [Fact]
    public void Open_Llama2cShortByOneByte_ThrowsTruncated()
    {
        byte[] model = File.ReadAllBytes(SharedModels.File("stories260K.bin"));
        OpenRejects(model[..^1], Tok512, $"needs {model.Length} bytes", $"file has {model.Length - 1}");
    }

    [Theory]
    [InlineData(0, "dim")]
    [InlineData(-64, "dim")]
    [InlineData(int.MinValue, "dim")]
    [InlineData((1 << 20) + 1, "dim")]
    public void Open_Llama2cHeaderDimOutOfRange_ThrowsNamingField(int dim, string field) =>
        OpenRejects(Llama2cHeader(dim, 172, 5, 8, 4, 512, 512), Tok512, $"header {field} is {dim}");

    [Theory]
    [InlineData(0)]
    [InlineData(int.MinValue)]
    [InlineData((1 << 20) + 1)]
    public void Open_Llama2cHeaderVocabOutOfRange_ThrowsNamingVocab(int vocab) =>
        OpenRejects(Llama2cHeader(64, 172, 5, 8, 4, vocab, 512), Tok512, "vocab_size", $"{vocab}");

    [Fact]
    public void Open_Llama2cHeaderOnly_ThrowsTruncated() =>
        OpenRejects(Llama2cHeader(64, 172, 5, 8, 4, 512, 512), Tok512, "needs", "bytes");

    [Fact]
    public void Open_Llama2cShorterThanHeader_ThrowsNamingHeader() => OpenRejects(new byte[27], Tok512, "header needs 28 bytes");

    [Fact]
    public void Open_Llama2cWithoutTokenizer_ThrowsAskingForOne() =>
        OpenRejects(File.ReadAllBytes(SharedModels.File("stories260K.bin")), null, "tokenizer");

    [Fact]
    public void Open_Llama2cNegativeVocab_NeedsSeparateClassifier()
    {
        byte[] model = File.ReadAllBytes(SharedModels.File("stories260K.bin"));
        BinaryPrimitives.WriteInt32LittleEndian(model.AsSpan(5 * 4), -512);
        OpenRejects(model, Tok512, "vocab 512", "truncated");
    }

    /// <summary>Rewrites ne[1] of a 2-D tensor in a GGUF's tensor-info table.</summary>
    private static void SetSecondDimension(byte[] gguf, string tensor, ulong value)
    {
        byte[] name = [.. BitConverter.GetBytes((ulong)tensor.Length), .. Encoding.UTF8.GetBytes(tensor)];
        int at = gguf.AsSpan().IndexOf(name);
        Assert.True(at > 0, $"tensor info '{tensor}' not found");
        int dims = at + name.Length;
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(gguf.AsSpan(dims)));
        BinaryPrimitives.WriteUInt64LittleEndian(gguf.AsSpan(dims + 4 + 8), value);
    }

    [Theory]
    [InlineData(256UL)]  // tokenizer ids 256..511 have no embedding row
    [InlineData(1024UL)] // logits for ids the tokenizer cannot decode
    public void Load_GgufModelVocabDiffersFromTokenizer_ThrowsNamingBoth(ulong rows)
    {
        byte[] model = File.ReadAllBytes(SharedModels.File("stories260K.gguf"));
        SetSecondDimension(model, "token_embd.weight", rows);
        SetSecondDimension(model, "output.weight", rows);
        using var temp = new TempGguf(model);
        var e = Assert.Throws<ModelFormatException>(() => ModelRuntime.Load(temp.Path, null, Options).Dispose());
        Assert.Contains("token_embd.weight", e.Message);
        Assert.Contains($"{rows}", e.Message);
        Assert.Contains("512", e.Message);
    }

    [Fact]
    public void Load_GgufOutputRowsDifferFromEmbedding_ThrowsCompileException()
    {
        byte[] model = File.ReadAllBytes(SharedModels.File("stories260K.gguf"));
        SetSecondDimension(model, "output.weight", 256);
        using var temp = new TempGguf(model);
        var e = Assert.Throws<CompileException>(() => ModelRuntime.Load(temp.Path, null, Options).Dispose());
        Assert.Contains("tensor 'output.weight'", e.Message);
    }

    [Fact]
    public void Load_GgufNanWeight_GenerationThrowsModelFormatException()
    {
        byte[] model = File.ReadAllBytes(SharedModels.File("stories260K.gguf"));
        using (var gguf = new TempGguf(model))
        using (var file = GgufFile.Open(gguf.Path))
        {
            Assert.True(file.TryGetTensor("output_norm.weight", out var norm));
            BinaryPrimitives.WriteSingleLittleEndian(model.AsSpan((int)norm.OffsetBytes), float.NaN);
        }

        using var temp = new TempGguf(model);
        using var runtime = ModelRuntime.Load(temp.Path, null, Options);
        using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 2, new SamplerOptions { Temperature = 0 }));
        var e = Assert.Throws<ModelFormatException>(() => session.Run());
        Assert.Contains(Path.GetFileName(temp.Path), e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Load_GenuineFiles_Generate()
    {
        foreach (var (model, tokenizer) in new[] { ("stories260K.gguf", (string?)null), ("stories260K.bin", "tok512.bin") })
        {
            using var runtime = ModelRuntime.Load(SharedModels.File(model), tokenizer is null ? null : SharedModels.File(tokenizer), Options);
            using var session = new GenerationSession(runtime, new GenerationRequest("Once upon a time", 2, new SamplerOptions { Temperature = 0 }));
            Assert.Equal(2, session.Run().Tokens.Length);
        }
    }
}
