// Places each model's replicas on live nodes by memory budget and load, and re-places them when a node goes.
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <inheritdoc cref="IPlacementGrain"/>
internal sealed class PlacementGrain(IClusterMembershipService membership, ClusterConfig config) : Grain, IPlacementGrain
{
    private readonly Dictionary<string, (NodeCapacity Node, long SeenAt)> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _assigned = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<string>> Assign(NodeCapacity node)
    {
        long now = Environment.TickCount64;
        _nodes[node.NodeId] = (node, now);
        var live = new List<NodeCapacity>();
        foreach (var (id, (capacity, seen)) in _nodes)
        {
            if (now - seen <= LiveNodes.StaleAfterMs(config) && !membership.IsGone(id))
            {
                live.Add(capacity);
            }
        }

        live.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        foreach (var model in node.Catalog)
        {
            Place(model, live);
        }

        var mine = new List<string>();
        foreach (var model in node.Catalog)
        {
            if (_assigned[model.Name].Contains(node.NodeId))
            {
                mine.Add(model.Name);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(mine);
    }

    private void Place(CatalogModel model, List<NodeCapacity> live)
    {
        if (!_assigned.TryGetValue(model.Name, out var nodes))
        {
            _assigned[model.Name] = nodes = [];
            foreach (var n in live)
            {
                if (n.Held.Contains(model.Name))
                {
                    nodes.Add(n.NodeId); // a new activation starts from what the nodes hold
                }
            }
        }

        nodes.RemoveAll(id => !live.Exists(n => n.NodeId == id));
        int desired = model.Replicas == 0 ? live.Count : Math.Min(model.Replicas, live.Count);
        if (nodes.Count > desired)
        {
            nodes.RemoveRange(desired, nodes.Count - desired);
        }

        while (nodes.Count < desired)
        {
            NodeCapacity? best = null;
            foreach (var n in live)
            {
                if (nodes.Contains(n.NodeId) || (n.BudgetMib > 0 && Used(n.NodeId) + model.SizeMib > n.BudgetMib))
                {
                    continue;
                }

                if (best is null || Better(n, best, model.Name))
                {
                    best = n;
                }
            }

            if (best is null)
            {
                break; // no survivor has room: the model runs short of replicas until one does
            }

            nodes.Add(best.NodeId);
        }
    }

    // A node that already holds the model (no load to pay), then the one with the fewest replicas, then the least loaded.
    private bool Better(NodeCapacity a, NodeCapacity b, string model)
    {
        bool ha = a.Held.Contains(model), hb = b.Held.Contains(model);
        if (ha != hb)
        {
            return ha;
        }

        int ra = Replicas(a.NodeId), rb = Replicas(b.NodeId);
        return ra != rb ? ra < rb : a.Load < b.Load;
    }

    private int Replicas(string node)
    {
        int count = 0;
        foreach (var list in _assigned.Values)
        {
            count += list.Contains(node) ? 1 : 0;
        }

        return count;
    }

    private int Used(string node)
    {
        int used = 0;
        foreach (var (model, list) in _assigned)
        {
            if (list.Contains(node) && _nodes.TryGetValue(node, out var n))
            {
                foreach (var c in n.Node.Catalog)
                {
                    used += c.Name == model ? c.SizeMib : 0;
                }
            }
        }

        return used;
    }
}
