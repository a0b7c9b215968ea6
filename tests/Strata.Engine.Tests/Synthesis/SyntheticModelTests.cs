// `strata synth` output: llama-quantize's per-tensor type choices, deterministic bytes, and a model that runs.
using System.Security.Cryptography;
using Strata.Engine.Artifacts;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Engine.Synthesis;

namespace Strata.Engine.Tests.Synthesis;

public sealed class SyntheticModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-synth-").FullName;

    [Theory]
    [InlineData("q8_0", "synth/ci-d256-l4-q8_0.gguf")]
    [InlineData("q4_0", "synth/ci-d256-l4-q4_0.gguf")]
    [InlineData("q4_0-pure", "synth/ci-d256-l4-q4_0-pure.gguf")]
    [InlineData("q4_k_m", "synth/ci-d256-l4-q4_k_m.gguf")]
    public void Write_CiShape_ChoosesLlamaQuantizeTypesTensorByTensor(string quant, string llamaCppFile)
    {
        string path = Path.Combine(_directory, quant + ".gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.CiD256, QuantRecipe.Parse(quant), 5), path);

        using var ours = GgufFile.Open(path);
        using var theirs = GgufFile.Open(SharedModels.File(llamaCppFile));
        Assert.Equal(theirs.Tensors.Count, ours.Tensors.Count);
        foreach (var expected in theirs.Tensors)
        {
            Assert.True(ours.TryGetTensor(expected.Name, out var actual), $"missing {expected.Name}");
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Dimensions, actual.Dimensions);
            Assert.Equal(expected.SizeBytes, actual.SizeBytes);
        }
    }

    [Fact]
    public void Write_SameSeed_SameBytes_OtherSeed_OtherBytes()
    {
        var shape = ModelShape.Parse("d=64,layers=2,heads=4,kv-heads=2,ffn=128,vocab=300,ctx=64");
        string a = Path.Combine(_directory, "a.gguf");
        string b = Path.Combine(_directory, "b.gguf");
        string c = Path.Combine(_directory, "c.gguf");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q4_0"), 9), a);
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q4_0"), 9), b);
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q4_0"), 10), c);
        Assert.Equal(Hash(a), Hash(b));
        Assert.NotEqual(Hash(a), Hash(c));
    }

    [Theory]
    [InlineData("d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=300,ctx=128", "q4_k_m", 11UL,
        "83f9e5fc927b53560db3eebecc755675015c6514dc0f45d2d637846be8084f94")]
    [InlineData("d=64,layers=2,heads=2,ffn=128,vocab=300,ctx=64,tied=1", "q8_0", 12UL,
        "4dd032154d7855dccc9f3d38dd74c0c9bcde3d63f7297cddf179d0d733ae837e")]
    public void Write_Llama_BytesAsBeforeOtherArchitectures(string shape, string quant, ulong seed, string sha256)
    {
        // Hashes of what `strata synth` wrote before it learnt other architectures (commit 1a92966).
        string path = Path.Combine(_directory, "pinned.gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.Parse(shape), QuantRecipe.Parse(quant), seed), path);
        Assert.Equal(sha256, Hash(path).ToLowerInvariant());
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("q8_0")]
    [InlineData("q4_k_m")]
    public void Write_TiedSmallModel_LoadsAndGeneratesDeterministically(string quant)
    {
        var shape = ModelShape.Parse("d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=1000,ctx=128,tied=1");
        string path = Path.Combine(_directory, $"tied-{quant}.gguf");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse(quant), 3), path);

        using var runtime = ModelRuntime.Load(path, null, new EngineOptions(Threads: 2, ContextTokens: 64));
        Assert.False(runtime.Model.Spec.Tensors.ContainsKey("output.weight"));
        var request = new GenerationRequest("hello world", 6, new SamplerOptions { Temperature = 0 });
        using var first = new GenerationSession(runtime, request);
        var a = first.Run();
        using var second = new GenerationSession(runtime, request);
        Assert.Equal(a.Tokens, second.Run().Tokens);
        Assert.Equal(6, a.Tokens.Length);
    }

    [Fact]
    public void Write_VocabularyFrom_CopiesTokenizerAndItsSize()
    {
        string path = Path.Combine(_directory, "borrowed.gguf");
        var shape = ModelShape.Parse("d=64,layers=1,heads=2,ffn=64,vocab=300");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("f32"), 1, SharedModels.File("llama-2-tiny-random.gguf")), path);
        using var artifact = ModelArtifact.Open(path);
        Assert.Equal(32000, artifact.Spec.VocabSize);
        Assert.Equal([1, 9038, 2501, 263, 931], artifact.Tokenizer.Encode("Once upon a time", addSpecial: true));
    }

    [Fact]
    public void Write_VocabularyFromQwen3TokenizerJson_TokenizesAsHuggingFaceAndCarriesTheChatTemplate()
    {
        // The Qwen 3 tokenizer is Qwen 2's BPE plus added tokens: llama.cpp's ggml-vocab-qwen2 vectors are Hugging Face's ids.
        string path = Path.Combine(_directory, "qwen3.gguf");
        var shape = ModelShape.Parse("d=64,layers=1,heads=2,ffn=64,vocab=300");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("q8_0"), 1, SharedModels.File("tokenizers/qwen3/tokenizer.json")), path);
        using var artifact = ModelArtifact.Open(path);

        Assert.Equal(151669, artifact.Spec.VocabSize);
        foreach (var (text, ids) in Tokenizers.VocabTestVectors.Load("qwen2"))
        {
            Assert.Equal(ids, artifact.Tokenizer.Encode(text, addSpecial: true));
        }

        Assert.Contains("<tool_call>", artifact.ChatTemplate?.Source, StringComparison.Ordinal);
        Assert.True(artifact.Tokenizer.IsEndOfGeneration(151645)); // <|im_end|>, the config's eos_token
        Assert.Equal([151644, 872, 198], artifact.Tokenizer.EncodeParsingSpecial("<|im_start|>user\n", addSpecial: true));
    }

    [Theory]
    [InlineData("smollm-135m", 576, 30, 49152, true)]
    [InlineData("tinyllama-1.1b", 2048, 22, 32000, false)]
    [InlineData("d=128, layers=3, heads=4, ffn=256, vocab=512", 128, 3, 512, false)]
    public void Parse_PresetsAndKeys(string text, int dim, int layers, int vocab, bool tied)
    {
        var shape = ModelShape.Parse(text);
        Assert.Equal((dim, layers, vocab, tied), (shape.Dim, shape.Layers, shape.Vocab, shape.TiedOutput));
    }

    [Theory]
    [InlineData("gpt-5", "gpt-5")]
    [InlineData("d=64,layers=2,heads=3,ffn=64,vocab=300", "heads=3")]
    [InlineData("d=64,layers=2,heads=4,ffn=64", "vocab")]
    [InlineData("d=64,layers=x,heads=4,ffn=64,vocab=300", "layers=x")]
    public void Parse_Bad_NamesTheProblem(string text, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Parse(text));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
