// A real Kestrel server on 127.0.0.1 serving the MiniLM embedding model beside stories260K, opened through the same
// EmbeddingModels.Open that strata serve passes; tenant "alpha" may use both models, "beta" only stories.
using Strata.Engine.Tests.Embeddings;
using Strata.OnnxRuntime;

namespace Strata.Serving.Tests.Embeddings;

public sealed class EmbeddingServerFixture : LoopbackServerFixture
{
    public const string Model = "minilm";
    public const string ChatModel = ServerFixture.Model;

    protected override IReadOnlyList<ModelConfig> Models =>
    [
        new ModelConfig { Name = ChatModel, Path = ServerFixture.ModelPath },
        new ModelConfig { Name = Model, Path = MiniLmGolden.ModelPath, Vocab = MiniLmGolden.VocabularyPath },
    ];

    protected override ServerConfig ServerConfig => new()
    {
        Tenants =
        [
            new TenantConfig { Name = "alpha", ApiKeys = [KeyA] },
            new TenantConfig { Name = "beta", ApiKeys = [KeyB], AllowedModels = [ChatModel] },
        ],
        Threads = 2,
        MaxRunning = 4,
    };

    protected override ServerExtension Extension => new() { OpenEmbedder = EmbeddingModels.Open };
}
