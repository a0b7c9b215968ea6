// round_robin: the next replica in turn, blind to load and cache.
namespace Strata.Cluster.Routing;

/// <summary>
/// Cycles over the replicas: the i-th call picks index i mod count of the list it is given, so a changed list needs no
/// bookkeeping (the cycle continues over the new list). Holds nothing per replica. Single-threaded (see <see cref="IRoutingPolicy"/>).
/// </summary>
internal sealed class RoundRobinPolicy : IRoutingPolicy
{
    private ulong _calls;

    /// <inheritdoc/>
    public string Name => RoutingPolicies.RoundRobin;

    /// <inheritdoc/>
    public RouteDecision Choose(RouteQuery query, IReadOnlyList<ReplicaLoad> replicas)
    {
        LeastLoadedPolicy.RequireReplicas(replicas);
        int index = (int)(_calls++ % (ulong)replicas.Count);
        return new RouteDecision(replicas[index].ReplicaId, 0, RouteReasons.RoundRobin);
    }

    /// <inheritdoc/>
    public void Forget(string replicaId)
    {
    }
}
