// A real Kestrel server on 127.0.0.1 serving the MiniLM embedding model beside stories260K, opened through the same
// EmbeddingModels.Open that strata serve passes; tenant "alpha" may use both models, "beta" only stories.
using System.Net.Http.Headers;
using Strata.Engine.Tests.Embeddings;
using Strata.OnnxRuntime;

namespace Strata.Serving.Tests.Embeddings;

public sealed class EmbeddingServerFixture : IAsyncLifetime
{
    public const string Model = "minilm";
    public const string ChatModel = ServerFixture.Model;
    public const string KeyA = ServerFixture.KeyA;
    public const string KeyB = ServerFixture.KeyB;

    private StrataServer? _server;

    public Uri BaseUri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = new ServerConfig
        {
            Tenants =
            [
                new TenantConfig { Name = "alpha", ApiKeys = [KeyA] },
                new TenantConfig { Name = "beta", ApiKeys = [KeyB], AllowedModels = [ChatModel] },
            ],
            Threads = 2,
            MaxRunning = 4,
        };
        ModelConfig[] models =
        [
            new() { Name = ChatModel, Path = ServerFixture.ModelPath },
            new() { Name = Model, Path = MiniLmGolden.ModelPath, Vocab = MiniLmGolden.VocabularyPath },
        ];
        _server = await StrataServer.StartAsync(models, ["http://127.0.0.1:0"], config, new ServerExtension { OpenEmbedder = EmbeddingModels.Open });
        BaseUri = new Uri(_server.Urls[0]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public HttpClient Client(string? key = KeyA)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(120) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}
