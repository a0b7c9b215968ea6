// The life of a real Kestrel server on 127.0.0.1 (any free port) that a test class shares: started before its first test,
// stopped after its last, with authorised clients in between. A fixture says only which models, config and extension it serves.
using System.Net.Http.Headers;

namespace Strata.Serving.Tests;

/// <summary>Starts the server a derived fixture describes and hands out clients of it.</summary>
public abstract class LoopbackServerFixture : IAsyncLifetime
{
    /// <summary>Tenant alpha's API key.</summary>
    public const string KeyA = "key-a";

    /// <summary>Tenant beta's API key.</summary>
    public const string KeyB = "key-b";

    private StrataServer? _server;

    /// <summary>The running server (set by <see cref="InitializeAsync"/>).</summary>
    public StrataServer Server => _server!;

    /// <summary>Where the server listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The models the server loads.</summary>
    protected abstract IReadOnlyList<ModelConfig> Models { get; }

    /// <summary>The server's tenants, limits and threads.</summary>
    protected abstract ServerConfig ServerConfig { get; }

    /// <summary>Services and endpoints a higher layer adds; none unless a fixture says so.</summary>
    protected virtual ServerExtension? Extension => null;

    public async Task InitializeAsync()
    {
        _server = await StrataServer.StartAsync(Models, ["http://127.0.0.1:0"], ServerConfig, Extension);
        BaseUri = new Uri(_server.Urls[0]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A client of the server that sends <paramref name="key"/> as its bearer token (none when null).</summary>
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
