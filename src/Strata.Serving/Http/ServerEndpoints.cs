// What an extension maps its endpoints with: the server's routes, its API key → tenant authentication, its JSON body rules.
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Strata.Serving;

/// <summary>Given to <see cref="ServerExtension.Endpoints"/>: map endpoints that authenticate and read bodies as the server's own do.</summary>
public sealed class ServerEndpoints
{
    private readonly RouteTable _routes;
    private readonly ServerState _state;

    private readonly IApplicationBuilder _app;

    internal ServerEndpoints(RouteTable routes, ServerState state, IApplicationBuilder app)
    {
        _routes = routes;
        _state = state;
        _app = app;
        Services = app.ApplicationServices;
    }

    /// <summary>The server's services, those the extension registered among them.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The server's clock.</summary>
    public TimeProvider Time => _state.Time;

    /// <summary>Maps a GET endpoint; the path asked with another method is 405 naming GET.</summary>
    public IEndpointConventionBuilder MapGet(string pattern, RequestDelegate handler) => _routes.MapGet(pattern, handler);

    /// <summary>Maps a POST endpoint; the path asked with another method is 405 naming POST.</summary>
    public IEndpointConventionBuilder MapPost(string pattern, RequestDelegate handler) => _routes.MapPost(pattern, handler);

    /// <summary>
    /// Runs <paramref name="middleware"/> for every request, behind the server's own middleware (trace id, errors, request
    /// log) and before its endpoints: a cluster routes a request to another node here, or lets it through.
    /// </summary>
    public void Use(Func<HttpContext, RequestDelegate, Task> middleware) => _app.Use(middleware);

    /// <summary>Attaches the cluster's routing facts to the request's evidence record (written when the request ends).</summary>
    public static void SetClusterEvidence(HttpContext context, Strata.Evidence.ClusterSection section)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ServerState.ClusterItem] = section;
    }

    /// <summary>Loads a model and starts serving it (a cluster node taking a replica).</summary>
    /// <exception cref="ArgumentException">a model of that name is served already</exception>
    public Task LoadModelAsync(ModelConfig model, CancellationToken cancellation = default) => _state.LoadAsync(model, cancellation);

    /// <summary>
    /// Stops serving a model: no new requests, its sequences finish for up to <paramref name="drain"/> (the rest end with
    /// their final event), then it is freed. False when it is not served.
    /// </summary>
    public Task<bool> UnloadModelAsync(string name, TimeSpan drain) => _state.UnloadAsync(name, drain);

    /// <summary>How long the server lets requests finish when it stops (the config's shutdown_drain_ms).</summary>
    public TimeSpan Drain => TimeSpan.FromMilliseconds(_state.Config.ShutdownDrainMs);

    /// <summary>The served models and their load now (for routing and status).</summary>
    public IReadOnlyList<ModelLoad> Models()
    {
        var models = new List<ModelLoad>(_state.Schedulers.Count);
        foreach (var s in _state.Schedulers)
        {
            models.Add(new ModelLoad(s.Name, s.Runtime.Model.FileSha256, s.Running, s.Waiting, _state.Config.MaxRunning,
                s.UsedBlocks, s.TotalBlocks, s.LookupBlocks, s.HitBlocks));
        }

        return models;
    }

    /// <summary>The server's configured tenants (none when it runs without API keys: every request is then the tenant <c>local</c>).</summary>
    public IReadOnlyList<TenantConfig> Tenants => _state.Config.Tenants;

    /// <summary>
    /// The tenant of the request's bearer key, by the server's tenants and keys (<c>local</c> when none are configured);
    /// recorded for the request log.
    /// </summary>
    /// <exception cref="ApiError">401: no key, or a key this server does not know</exception>
    public string Authenticate(HttpContext context) => _state.Authenticate(context).Name;

    /// <summary>Reads the request body as JSON, as the completion endpoints do.</summary>
    /// <exception cref="ApiError">415 when not sent as <c>application/json</c>, 413 past the size limit, 400 naming where malformed JSON breaks</exception>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context)
    {
        ServerState.RequireJsonContent(context);
        return await ServerState.ReadJson(context).ConfigureAwait(false);
    }
}
