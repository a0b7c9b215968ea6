// GET and POST /v1/strata/cluster/rollouts/{model}: a model's rollout, and canary / promote / rollback.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// The rollout endpoints. Reading and changing a rollout takes an admin key of the cluster config when the server has
/// tenants (a tenant's key is refused: rollouts are the operator's); without tenants the server is on loopback and open.
/// </summary>
internal sealed class RolloutEndpoints(ServerEndpoints endpoints, IGrainFactory grains, ClusterConfig config)
{
    public const string Path = "/v1/strata/cluster/rollouts/{model}";

    public async Task Get(HttpContext context)
    {
        Authorize(context);
        var view = await grains.GetGrain<IRolloutGrain>(ModelOf(context)).View().ConfigureAwait(false);
        await Write(context, view).ConfigureAwait(false);
    }

    public async Task Post(HttpContext context)
    {
        string actor = Authorize(context);
        using var body = await ServerEndpoints.ReadJsonAsync(context).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest("the body must be a JSON object: {\"action\": \"canary\"|\"promote\"|\"rollback\", \"version\", \"percent\", \"tenant\"}");
        }

        var change = new RolloutChange
        {
            Action = String(root, "action") ?? throw ApiError.BadRequest("'action' is required: canary, promote or rollback", "action"),
            Version = String(root, "version"),
            Percent = root.TryGetProperty("percent", out var p) && p.TryGetInt32(out int percent) ? percent
                : root.TryGetProperty("percent", out _) ? throw ApiError.BadRequest("'percent' must be an integer from 0 to 100", "percent") : 0,
            Tenant = String(root, "tenant"),
            Actor = actor,
            TraceId = context.Response.Headers["X-Strata-Trace-Id"],
        };
        RolloutView view;
        try
        {
            view = await grains.GetGrain<IRolloutGrain>(ModelOf(context)).Change(change).ConfigureAwait(false);
        }
        catch (RolloutException e)
        {
            throw ApiError.BadRequest(e.Message, null, "invalid_rollout");
        }

        await Write(context, view).ConfigureAwait(false);
    }

    private string Authorize(HttpContext context)
    {
        if (endpoints.Tenants.Count == 0)
        {
            return "local";
        }

        string? header = context.Request.Headers.Authorization;
        const string Bearer = "Bearer ";
        if (header is not null && header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            string key = header[Bearer.Length..].Trim();
            foreach (string admin in config.AdminApiKeys)
            {
                if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(admin), System.Text.Encoding.UTF8.GetBytes(key)))
                {
                    return "admin:" + admin[..Math.Min(6, admin.Length)] + "…";
                }
            }
        }

        throw new ApiError(403, config.AdminApiKeys.Count == 0
            ? "rollouts need an admin key, and this cluster has none: list keys in the config's cluster.admin_api_keys"
            : "rollouts need one of the cluster's admin keys (cluster.admin_api_keys); a tenant's key is not one", "permission_error", null, "admin_key_required");
    }

    private static string ModelOf(HttpContext context) => (string)context.Request.RouteValues["model"]!;

    private static string? String(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw ApiError.BadRequest($"'{name}' must be a string", name);

    private static async Task Write(HttpContext context, RolloutView view)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, view, RolloutJson.Default.RolloutView, context.RequestAborted).ConfigureAwait(false);
    }
}
