// `strata synth --arch bert`: the keys, vocabulary and tensors llama.cpp's bert loader reads (it embedded such a file:
// see the closing note of 2026-12-05), from MiniLM's own WordPiece vocab.txt.
using Strata.Engine.Artifacts;
using Strata.Engine.Synthesis;

namespace Strata.Engine.Tests.Synthesis;

public sealed class BertSynthesisTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-synth-bert-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Vocab => SharedModels.File("onnx/all-MiniLM-L6-v2/vocab.txt");

    [Fact]
    public void Write_Bert_HasTheKeysVocabularyAndTensorsOfLlamaCppsLoader()
    {
        var shape = ModelShape.Parse("d=64,layers=2,heads=4,kv-heads=4,ffn=128,vocab=300,ctx=32", "bert");
        string path = Path.Combine(_directory, "bert.gguf");
        SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("f32"), 3, Vocab), path);

        using var file = GgufFile.Open(path);
        Assert.Equal("bert", file.GetString("general.architecture"));
        Assert.Equal(64, file.GetInteger("bert.embedding_length"));
        Assert.Equal(1, file.GetInteger("bert.pooling_type"));
        Assert.True(file.TryGetValue("bert.attention.causal", out var causal) && causal.TryGetBool(out bool isCausal) && !isCausal);
        Assert.Equal(1e-12, file.GetDouble("bert.attention.layer_norm_epsilon", 0), 1e-15);
        Assert.Equal("bert", file.GetString("tokenizer.ggml.model"));
        Assert.Equal(2, file.GetInteger("tokenizer.ggml.token_type_count"));
        Assert.Equal(101, file.GetInteger("tokenizer.ggml.cls_token_id"));
        Assert.Equal(102, file.GetInteger("tokenizer.ggml.seperator_token_id"));
        Assert.Equal(100, file.GetInteger("tokenizer.ggml.unknown_token_id"));
        Assert.True(file.TryGetValue("tokenizer.ggml.tokens", out var tokens));
        Assert.True(tokens.TryGetArray<string>(out var list));
        Assert.Equal(30522, list.Length); // the vocabulary's size replaces the shape's
        Assert.Equal("[CLS]", list[101]);
        Assert.Equal("\u2581the", list[1996]); // a word start gets the phantom space
        Assert.Equal("s", list[2015]); // "##s" continues a word
        Assert.True(file.TryGetTensor("token_embd.weight", out var embedding));
        Assert.Equal([64L, 30522L], embedding.Dimensions);
        Assert.True(file.TryGetTensor("position_embd.weight", out var positions));
        Assert.Equal([64L, 32L], positions.Dimensions);
        Assert.Equal(Kernels.GgmlType.F32, positions.Type);
        foreach (string name in (string[])["token_types.weight", "token_embd_norm.bias", "blk.1.attn_q.bias", "blk.1.attn_output_norm.weight",
            "blk.1.ffn_up.bias", "blk.1.ffn_down.weight", "blk.1.layer_output_norm.bias"])
        {
            Assert.True(file.TryGetTensor(name, out _), name);
        }

        Assert.Equal(5 + (16 * 2), file.Tensors.Count);
    }

    [Fact]
    public void Write_MiniLmPreset_IsTheFileLlamaCppsGoldenWasMadeFrom()
    {
        // scripts/bert-goldens.py embedded this file with llama.cpp; the same synth arguments must give the same bytes,
        // so the golden's embeddings stay the reference for Strata's bert path.
        using var golden = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Architectures.ArchitectureGolden.FindData(), "embeddings", "bert-minilm-l6.json")));
        string path = Path.Combine(_directory, "minilm.gguf");
        SyntheticModel.Write(new SynthOptions(ModelShape.Parse("minilm-l6", "bert"), QuantRecipe.Parse("f32"), 1, Vocab), path);
        using var stream = File.OpenRead(path);
        Assert.Equal(golden.RootElement.GetProperty("model_sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)));
        var first = golden.RootElement.GetProperty("cases")[0];
        Assert.Equal([101, 2023, 2003, 2019, 2742, 6251, 102], first.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Write_BertWithGroupedKeys_IsRefusedNamingTheRule()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelShape.Parse("d=64,layers=2,heads=4,kv-heads=2,ffn=128,vocab=300,ctx=32", "bert"));
        Assert.Contains("kv-heads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_VocabularyWithoutCls_IsRefused()
    {
        string vocab = Path.Combine(_directory, "vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[SEP]", "hello"]);
        var shape = ModelShape.Parse("d=64,layers=1,heads=4,kv-heads=4,ffn=128,vocab=300,ctx=32", "bert");
        var error = Assert.Throws<ModelFormatException>(() => SyntheticModel.Write(new SynthOptions(shape, QuantRecipe.Parse("f32"), 3, vocab),
            Path.Combine(_directory, "nocls.gguf")));
        Assert.Contains("[CLS]", error.Message, StringComparison.Ordinal);
    }
}
