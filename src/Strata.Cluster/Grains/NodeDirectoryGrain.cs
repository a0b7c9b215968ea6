// The live nodes and their replicas, as last reported.
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <inheritdoc cref="INodeDirectoryGrain"/>
internal sealed class NodeDirectoryGrain(IClusterMembershipService membership, ClusterConfig config) : Grain, INodeDirectoryGrain
{
    private readonly SortedDictionary<string, (NodeReport Report, long ReceivedAt)> _nodes = new(StringComparer.Ordinal);

    public Task Report(NodeReport report)
    {
        _nodes[report.NodeId] = (report, Environment.TickCount64);
        return Task.CompletedTask;
    }

    public Task Leave(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeReport>> Nodes() => Select(LiveNodes.StaleAfterMs(config));

    public Task<IReadOnlyList<NodeReport>> KnownNodes() => Select(long.MaxValue);

    private Task<IReadOnlyList<NodeReport>> Select(long stale)
    {
        long now = Environment.TickCount64;
        var live = new List<NodeReport>(_nodes.Count);
        foreach (var (id, (report, at)) in _nodes)
        {
            if (now - at <= stale && !membership.IsGone(id))
            {
                live.Add(report);
            }
        }

        return Task.FromResult<IReadOnlyList<NodeReport>>(live);
    }
}
