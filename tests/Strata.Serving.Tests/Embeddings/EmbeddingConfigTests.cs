// Embedding models in the server's config: what the config refuses, and a server with no embedding runtime refusing to start.
using Strata.Engine.Tests.Embeddings;

namespace Strata.Serving.Tests.Embeddings;

public sealed class EmbeddingConfigTests
{
    [Fact]
    public void Validate_EmbeddingModelWithReplicas_RefusedNamingTheField()
    {
        var config = new ServerConfig { Models = [new ModelConfig { Name = "minilm", Path = "m.onnx", Replicas = 2 }] };

        var error = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("models[minilm].replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VocabOnAGenerationModel_RefusedNamingTheField()
    {
        var config = new ServerConfig { Models = [new ModelConfig { Name = "stories", Path = "s.gguf", Vocab = "vocab.txt" }] };

        var error = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("models[stories].vocab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EmbeddingModelWithoutAnOpener_RefusedSayingWhy()
    {
        ModelConfig[] models = [new() { Name = "minilm", Path = MiniLmGolden.ModelPath }];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => StrataServer.StartAsync(models, ["http://127.0.0.1:0"], new ServerConfig()));

        Assert.Contains("without an embedding runtime", error.Message, StringComparison.Ordinal);
    }
}
