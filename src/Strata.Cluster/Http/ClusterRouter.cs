// Any node accepts a completion and sends it to a replica of its model: here, or on the node the model's router picks.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Cluster.Routing;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// The cluster's middleware on the completion routes. It authenticates (so the tenant salts the prefix hash and a bad key
/// is refused where it arrives), asks the model's router for a replica, and serves the request here or forwards it. A
/// replica that cannot be reached is reported and the next one tried, as long as nothing reached the client.
/// </summary>
internal sealed class ClusterRouter(ServerEndpoints endpoints, NodeReporter node, IGrainFactory grains, Forwarder forwarder, ILogger<ClusterRouter> log)
{
    private const int MaxTries = 3;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool chat = request.Path == "/v1/chat/completions";
        if (request.Headers.ContainsKey(Forwarder.RoutedHeader) || !HttpMethods.IsPost(request.Method) || !(chat || request.Path == "/v1/completions"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string tenant = endpoints.Authenticate(context);
        request.EnableBuffering();
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await request.Body.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
            body = copy.ToArray();
        }

        request.Body.Position = 0;
        string? model;
        string text;
        try
        {
            using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            (model, text, _) = PromptText.Read(json.RootElement, chat);
        }
        catch (JsonException)
        {
            await next(context).ConfigureAwait(false); // the server's own handler names what is malformed
            return;
        }

        model ??= OnlyModel();
        if (model is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var router = grains.GetGrain<IModelRouterGrain>(model);
        ulong[] prefix = PrefixKey.Blocks(tenant, text);
        var tried = new List<string>(MaxTries);
        for (int attempt = 0; attempt < MaxTries; attempt++)
        {
            RouteChoice? choice;
            try
            {
                choice = await router.Choose(tenant, prefix, [.. tried]).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                log.RouterUnreachable(model, e.Message);
                choice = null;
            }

            if (choice is null)
            {
                break;
            }

            context.Items[ClusterItems.Route] = choice;
            if (choice.NodeId == node.NodeId)
            {
                request.Body.Position = 0;
                try
                {
                    await next(context).ConfigureAwait(false);
                }
                finally
                {
                    _ = Tell(router.Done(choice.NodeId));
                }

                return;
            }

            ForwardOutcome outcome;
            try
            {
                outcome = await forwarder.ForwardAsync(context, choice.Url, body, node.NodeId).ConfigureAwait(false);
            }
            finally
            {
                _ = Tell(router.Done(choice.NodeId));
            }

            if (outcome != ForwardOutcome.Unreachable)
            {
                return;
            }

            log.NodeUnreachable(choice.NodeId, choice.Url, model);
            tried.Add(choice.NodeId);
            _ = Tell(router.Failed(choice.NodeId));
        }

        if (tried.Count > 0 && !HasLocal(model))
        {
            throw new ApiError(503, $"no replica of model '{model}' could be reached ({tried.Count} tried); retry shortly",
                "server_error", null, "no_replica_reachable", retryAfterSeconds: 1);
        }

        request.Body.Position = 0;
        await next(context).ConfigureAwait(false); // no live replica elsewhere: this node serves, or says the model is unknown
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

/// <summary>Keys of what the cluster leaves in <see cref="HttpContext.Items"/>.</summary>
internal static class ClusterItems
{
    public const string Route = "strata.cluster.route";
}
