// Any node accepts a completion and sends it to a replica of its model: here, or on the node the model's router picks.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Cluster.Routing;
using Strata.Evidence;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// The cluster's middleware on the completion routes. It authenticates (so the tenant salts the prefix hash and a bad key
/// is refused where it arrives), lets the model's rollout pick the version, asks that version's router for a replica,
/// and serves the request here or forwards it. A replica that cannot be reached is reported and the next one tried, as
/// long as nothing reached the client. The route (entry node, reason, version) goes into the request's evidence.
/// </summary>
internal sealed class ClusterRouter(ServerEndpoints endpoints, NodeReporter node, IGrainFactory grains, Forwarder forwarder, ClusterConfig config,
    Catalog catalog, NodeTrust trust, ILogger<ClusterRouter> log)
{
    private const int MaxTries = 3;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _hasRollout = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool chat = request.Path == "/v1/chat/completions";
        if (!HttpMethods.IsPost(request.Method) || !(chat || request.Path == "/v1/completions"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (trust.IsRoutedByNode(context))
        {
            await ServeRouted(context, next, chat).ConfigureAwait(false);
            return;
        }

        string tenant = endpoints.Authenticate(context);
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await request.Body.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
            body = copy.ToArray();
        }

        string? model;
        string text;
        try
        {
            using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            (model, text, _) = PromptText.Read(json.RootElement, chat);
        }
        catch (JsonException)
        {
            await Serve(context, next, body, null).ConfigureAwait(false); // the server's own handler names what is malformed
            return;
        }

        model ??= OnlyModel();
        if (model is null)
        {
            await Serve(context, next, body, null).ConfigureAwait(false);
            return;
        }

        var route = new ClusterSection { ClusterId = config.ClusterId, EntryNode = node.NodeId, Policy = config.Routing, RequestedModel = model };
        if (!model.Contains('@', StringComparison.Ordinal) && await Pick(context, model, tenant).ConfigureAwait(false) is { } pick && pick.Version != model)
        {
            route = route with { RolloutVersion = pick.Version, RolloutStable = pick.Stable, RolloutWeightPercent = pick.Percent };
            model = pick.Version;
            body = WithModel(body, model);
        }

        var router = grains.GetGrain<IModelRouterGrain>(model);
        ulong[] prefix = PrefixKey.Blocks(tenant, text);
        var unreachable = new List<string>(MaxTries);
        for (int attempt = 0; attempt < MaxTries; attempt++)
        {
            RouteChoice? choice;
            try
            {
                string[] exclude = [.. unreachable];
                choice = await Retry(() => router.Choose(tenant, prefix, exclude), ChooseRetryMs, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The router's silo died and its grain is not back yet: route by the directory's last listing instead.
                log.RouterUnreachable(model, e.Message);
                choice = Fallback(model, unreachable);
            }

            if (choice is null)
            {
                break;
            }

            route = route with
            {
                Reason = choice.Reason,
                MatchedBlocks = choice.MatchedBlocks,
                UnreachableNodes = unreachable.Count > 0 ? [.. unreachable] : null,
            };
            try
            {
                if (choice.NodeId == node.NodeId)
                {
                    await Serve(context, next, body, route with { ServedNode = node.NodeId }).ConfigureAwait(false);
                    return;
                }

                request.Headers[RouteEvidence.Header] = RouteEvidence.Encode(route);
                if (await forwarder.ForwardAsync(context, choice.Url, body, node.NodeId).ConfigureAwait(false) != ForwardOutcome.Unreachable)
                {
                    return;
                }
            }
            finally
            {
                _ = Tell(router.Done(choice.NodeId));
            }

            log.NodeUnreachable(choice.NodeId, choice.Url, model);
            unreachable.Add(choice.NodeId);
            _ = Tell(router.Failed(choice.NodeId));
        }

        if (!HasLocal(model) && (unreachable.Count > 0 || catalog.Contains(model)))
        {
            // A model of the cluster's catalog with no live replica just now (a holder died and placement is re-placing it).
            throw new ApiError(503, $"no replica of model '{model}' can be reached just now ({unreachable.Count} tried); retry shortly",
                "server_error", null, "no_replica_reachable", retryAfterSeconds: 1);
        }

        // No live replica elsewhere: this node serves, or says the model is unknown.
        await Serve(context, next, body, route with { ServedNode = node.NodeId }).ConfigureAwait(false);
    }

    // A request another node routed here: served here, unless the replica has just moved away (unloaded by placement):
    // then 503 replica_moved, which the routing node takes as "try another" (nothing ran here).
    private async Task ServeRouted(HttpContext context, RequestDelegate next, bool chat)
    {
        RouteEvidence.Accept(context, node.NodeId, node.LiveNodeIds);
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
            body = copy.ToArray();
        }

        string? model = null;
        try
        {
            using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            model = PromptText.Read(json.RootElement, chat).Model;
        }
        catch (JsonException)
        {
        }

        if (model is not null && !HasLocal(model))
        {
            throw new ApiError(503, $"this node no longer holds a replica of '{model}'", "server_error", null, Forwarder.ReplicaMoved, retryAfterSeconds: 1);
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        await next(context).ConfigureAwait(false);
    }

    private static async Task Serve(HttpContext context, RequestDelegate next, byte[] body, ClusterSection? route)
    {
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;
        if (route is not null)
        {
            ServerEndpoints.SetClusterEvidence(context, route);
        }

        await next(context).ConfigureAwait(false);
    }

    // The rollout's pick. A model last seen without a rollout is not held up by an unreachable rollout grain (its silo just
    // died): it goes on without one, as it was; a model with a rollout waits for the grain to come back on a survivor.
    private async Task<RolloutPick?> Pick(HttpContext context, string model, string tenant)
    {
        var rollout = grains.GetGrain<IRolloutGrain>(model);
        bool known = _hasRollout.TryGetValue(model, out bool had);
        try
        {
            var pick = await Retry(() => rollout.Pick(tenant), known && !had ? ChooseRetryMs : PickRetryMs, context.RequestAborted).ConfigureAwait(false);
            _hasRollout[model] = pick is not null;
            return pick;
        }
        catch (Exception e) when ((e is OrleansException or TimeoutException) && known && !had)
        {
            return null;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            throw new ApiError(503, $"the rollout of model '{model}' could not be read ({e.GetType().Name}); retry shortly",
                "server_error", null, "rollout_unavailable", retryAfterSeconds: 1);
        }
    }

    // A grain call whose silo just died fails fast until Orleans declares the silo dead and the grain comes back on a
    // survivor (about the failure-detection time): the call is repeated for up to retryForMs. A router is retried briefly
    // (the directory's listing can route meanwhile); a rollout, which nothing else can decide, for longer.
    private static async Task<T> Retry<T>(Func<Task<T>> call, int retryForMs, CancellationToken cancellation)
    {
        long start = Environment.TickCount64;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException && Environment.TickCount64 - start < retryForMs)
            {
                await Task.Delay(100, cancellation).ConfigureAwait(false);
            }
        }
    }

    private const int ChooseRetryMs = 300, PickRetryMs = 5000;

    // The body with "model" set to the version the rollout picked; everything else as the client sent it.
    private static byte[] WithModel(byte[] body, string model)
    {
        var root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsObject();
        root["model"] = model;
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    // The least loaded live node the directory last listed with a replica of the model, not yet found unreachable.
    private RouteChoice? Fallback(string model, List<string> unreachable)
    {
        NodeReport? best = null;
        int bestLoad = int.MaxValue;
        foreach (var n in node.LastNodes)
        {
            if (unreachable.Contains(n.NodeId))
            {
                continue;
            }

            foreach (var r in n.Replicas)
            {
                if (r.Model == model && r.Running + r.Waiting < bestLoad)
                {
                    (best, bestLoad) = (n, r.Running + r.Waiting);
                }
            }
        }

        return best is null ? null : new RouteChoice { NodeId = best.NodeId, Url = best.Url, Reason = "router_unavailable" };
    }

    private string? OnlyModel()
    {
        var models = endpoints.Models();
        return models.Count == 1 ? models[0].Name : null;
    }

    private bool HasLocal(string model)
    {
        foreach (var m in endpoints.Models())
        {
            if (m.Name == model)
            {
                return true;
            }
        }

        return false;
    }

    private async Task Tell(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            log.NotDelivered("router call", e.Message);
        }
    }
}
