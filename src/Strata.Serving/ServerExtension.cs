// What a layer above Serving adds to a server (the agent runtime's routes, ...) without Serving knowing what it is.
using Microsoft.Extensions.DependencyInjection;

namespace Strata.Serving;

/// <summary>
/// Services and endpoints a higher layer adds to <see cref="StrataServer"/>. Its endpoints run behind the server's own
/// middleware: the trace id header, <see cref="ApiError"/>s written as OpenAI's error object (any other exception as a
/// clear 500), and the request log.
/// </summary>
public sealed record ServerExtension
{
    /// <summary>
    /// Registrations made before the server's own, which add theirs with TryAdd (ASP.NET Core's convention): a
    /// <see cref="TimeProvider"/> registered here is the clock of every arrival, deadline, token bucket and timing. A
    /// hosted service registered here starts before the server listens and stops after it has stopped taking requests.
    /// </summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Maps endpoints, after the server's own and before its fallback (404, or 405 for a known path).</summary>
    public Action<ServerEndpoints>? Endpoints { get; init; }

    /// <summary>
    /// Opens the embedding models (those whose path ends in .onnx) as <see cref="Strata.Engine.Embeddings.Embedder"/>s; without
    /// it, a server given an embedding model refuses to start. strata serve passes Strata.OnnxRuntime's EmbeddingModels.Open.
    /// </summary>
    public EmbedderOpener? OpenEmbedder { get; init; }
}
