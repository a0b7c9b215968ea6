// One model's router: live replicas from the nodes' reports, requests in flight per replica, and the routing policy.
using Orleans.Runtime;
using Strata.Cluster.Routing;
using Strata.Serving;

namespace Strata.Cluster;

/// <inheritdoc cref="IModelRouterGrain"/>
/// <remarks>
/// A replica's load is the requests this router sent there and not yet done; a node's report corrects it when the two
/// disagree for longer than a report interval (a request whose entry node died never reports done). A replica is live
/// while it reports, has not failed since its last report, and Orleans has not seen its node leave or die.
/// </remarks>
internal sealed class ModelRouterGrain(IClusterMembershipService membership, ClusterConfig config) : Grain, IModelRouterGrain
{
    private readonly SortedDictionary<string, Replica> _replicas = new(StringComparer.Ordinal);
    private readonly IRoutingPolicy _policy = RoutingPolicies.Create(config.Routing, new RoutingOptions { LoadBound = config.LoadBound });
    private readonly List<ReplicaLoad> _loads = [];
    private readonly List<Replica> _candidates = [];

    public Task<RouteChoice?> Choose(string tenant, ulong[] prefix, string[] exclude)
    {
        long now = Environment.TickCount64, stale = LiveNodes.StaleAfterMs(config);
        _loads.Clear();
        _candidates.Clear();
        List<string>? gone = null;
        foreach (var (id, r) in _replicas)
        {
            if (now - r.ReportedAt > stale || membership.IsGone(id))
            {
                (gone ??= []).Add(id);
                continue;
            }

            if (r.Failed || Array.IndexOf(exclude, id) >= 0)
            {
                continue;
            }

            int running = Math.Min(r.InFlight, Math.Max(1, r.Last.MaxRunning));
            _loads.Add(new ReplicaLoad(id, running, r.InFlight - running));
            _candidates.Add(r);
        }

        foreach (var id in gone ?? [])
        {
            _replicas.Remove(id);
            _policy.Forget(id);
        }

        if (_loads.Count == 0)
        {
            return Task.FromResult<RouteChoice?>(null);
        }

        var decision = _policy.Choose(new RouteQuery(tenant, prefix), _loads);
        var chosen = _replicas[decision.ReplicaId];
        chosen.InFlight++;
        chosen.Routed++;
        chosen.ChosenAt = now;
        return Task.FromResult<RouteChoice?>(new RouteChoice { NodeId = decision.ReplicaId, Url = chosen.Url, MatchedBlocks = decision.MatchedBlocks, Reason = decision.Reason });
    }

    public Task Done(string nodeId)
    {
        if (_replicas.TryGetValue(nodeId, out var r) && r.InFlight > 0)
        {
            r.InFlight--;
        }

        return Task.CompletedTask;
    }

    public Task Failed(string nodeId)
    {
        if (_replicas.TryGetValue(nodeId, out var r))
        {
            r.Failed = true;
            r.InFlight = 0;
        }

        return Task.CompletedTask;
    }

    public Task Report(string nodeId, string url, ReplicaReport replica)
    {
        long now = Environment.TickCount64;
        if (!_replicas.TryGetValue(nodeId, out var r))
        {
            r = new Replica { Url = url, Last = replica };
            _replicas.Add(nodeId, r);
        }

        int reported = replica.Running + replica.Waiting;
        if (r.InFlight != reported && now - r.ChosenAt > 2L * config.ReportIntervalMs && now - r.ReportedAt < 2L * config.ReportIntervalMs)
        {
            r.InFlight = reported; // nothing routed there lately: the node's own count is the truth
        }

        r.Url = url;
        r.Last = replica;
        r.ReportedAt = now;
        r.Failed = false;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RoutedReplica>> Replicas()
    {
        var list = new List<RoutedReplica>(_replicas.Count);
        foreach (var (id, r) in _replicas)
        {
            list.Add(new RoutedReplica { NodeId = id, InFlight = r.InFlight, Routed = r.Routed });
        }

        return Task.FromResult<IReadOnlyList<RoutedReplica>>(list);
    }

    private sealed class Replica
    {
        public required string Url { get; set; }

        public required ReplicaReport Last { get; set; }

        public long ReportedAt { get; set; }

        public long ChosenAt { get; set; }

        public int InFlight { get; set; }

        public long Routed { get; set; }

        public bool Failed { get; set; }
    }
}
