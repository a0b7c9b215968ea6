// GET /v1/strata/cluster (silos, nodes, models, replicas, load, cache) and evidence found on whichever node holds it.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>The cluster's own endpoints.</summary>
internal sealed class ClusterEndpoints(ServerEndpoints endpoints, NodeReporter node, IGrainFactory grains, IClusterMembershipService membership,
    ClusterConfig config, Forwarder forwarder, NodeTrust trust)
{
    public const string StatusPath = "/v1/strata/cluster";

    public async Task Status(HttpContext context)
    {
        endpoints.Authenticate(context);
        var nodes = await grains.GetGrain<INodeDirectoryGrain>(0).Nodes().ConfigureAwait(false);
        var byId = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        var models = new SortedDictionary<string, List<(NodeReport Node, ReplicaReport Replica)>>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            byId[n.NodeId] = n;
            foreach (var r in n.Replicas)
            {
                if (!models.TryGetValue(r.Model, out var list))
                {
                    models[r.Model] = list = [];
                }

                list.Add((n, r));
            }
        }

        var routed = new Dictionary<string, IReadOnlyList<RoutedReplica>>(StringComparer.Ordinal);
        foreach (var model in models.Keys)
        {
            routed[model] = await grains.GetGrain<IModelRouterGrain>(model).Replicas().ConfigureAwait(false);
        }

        context.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(context.Response.Body);
        w.WriteStartObject();
        w.WriteString("cluster_id", config.ClusterId);
        w.WriteString("node", node.NodeId);
        w.WriteString("membership", MembershipSpec.Parse(config.Membership).ToString());
        w.WriteString("routing", config.Routing);
        w.WriteNumber("load_bound", config.LoadBound);
        w.WriteStartArray("silos");
        foreach (var member in membership.CurrentSnapshot.Members.Values.OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal))
        {
            string id = member.SiloAddress.ToParsableString();
            w.WriteStartObject();
            w.WriteString("address", id);
            w.WriteString("name", member.Name);
            w.WriteString("status", member.Status.ToString().ToLowerInvariant());
            if (byId.TryGetValue(id, out var report))
            {
                w.WriteString("url", report.Url);
                w.WriteStartArray("models");
                foreach (var r in report.Replicas)
                {
                    w.WriteStringValue(r.Model);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("models");
        foreach (var (model, replicas) in models)
        {
            w.WriteStartObject();
            w.WriteString("name", model);
            w.WriteStartArray("replicas");
            foreach (var (n, r) in replicas)
            {
                w.WriteStartObject();
                w.WriteString("node", n.NodeId);
                w.WriteString("url", n.Url);
                w.WriteString("file_sha256", r.FileSha256);
                w.WriteNumber("running", r.Running);
                w.WriteNumber("waiting", r.Waiting);
                w.WriteNumber("max_running", r.MaxRunning);
                w.WriteNumber("kv_blocks_used", r.UsedBlocks);
                w.WriteNumber("kv_blocks_total", r.TotalBlocks);
                w.WriteNumber("prefix_cache_lookup_blocks", r.LookupBlocks);
                w.WriteNumber("prefix_cache_hit_blocks", r.HitBlocks);
                foreach (var c in routed[model])
                {
                    if (c.NodeId == n.NodeId)
                    {
                        w.WriteNumber("routed", c.Routed);
                        w.WriteNumber("routed_in_flight", c.InFlight);
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Evidence of a request served on any node: this node's store first, then each other live node's, asked with the
    /// caller's own key, so a tenant reads only its own evidence wherever it lies.
    /// </summary>
    public async Task Evidence(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !request.Path.StartsWithSegments("/v1/strata/evidence", StringComparison.Ordinal)
            || trust.IsRoutedByNode(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        catch (ApiError e) when (e.Status == StatusCodes.Status404NotFound)
        {
            foreach (var other in await grains.GetGrain<INodeDirectoryGrain>(0).KnownNodes().ConfigureAwait(false))
            {
                if (other.NodeId == node.NodeId)
                {
                    continue;
                }

                var found = await forwarder.TryGetAsync(context, other.Url, node.NodeId).ConfigureAwait(false);
                if (found is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(found, context.RequestAborted).ConfigureAwait(false);
                    return;
                }
            }

            throw;
        }
    }
}
