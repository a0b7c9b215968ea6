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

    internal ServerEndpoints(RouteTable routes, ServerState state, IServiceProvider services)
    {
        _routes = routes;
        _state = state;
        Services = services;
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
