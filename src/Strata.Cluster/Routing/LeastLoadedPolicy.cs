// least_loaded: the replica with the least outstanding work, blind to cache.
namespace Strata.Cluster.Routing;

/// <summary>
/// Picks the replica of least <see cref="ReplicaLoad.Load"/>. Ties rotate: each call starts its scan one index further
/// on, and the first minimum from there wins, so equally loaded replicas take turns rather than the first of them
/// taking every request at low load. Holds nothing per replica. Single-threaded (see <see cref="IRoutingPolicy"/>).
/// </summary>
internal sealed class LeastLoadedPolicy : IRoutingPolicy
{
    private ulong _calls;

    /// <inheritdoc/>
    public string Name => RoutingPolicies.LeastLoaded;

    /// <inheritdoc/>
    public RouteDecision Choose(RouteQuery query, IReadOnlyList<ReplicaLoad> replicas)
    {
        RequireReplicas(replicas);
        int start = (int)(_calls++ % (ulong)replicas.Count);
        return new RouteDecision(replicas[IndexOfLeastLoaded(replicas, start)].ReplicaId, 0, RouteReasons.LeastLoaded);
    }

    /// <inheritdoc/>
    public void Forget(string replicaId)
    {
    }

    /// <summary>The index of the least loaded replica: the first minimum scanning from <paramref name="start"/> round the list.</summary>
    internal static int IndexOfLeastLoaded(IReadOnlyList<ReplicaLoad> replicas, int start)
    {
        int best = start;
        int bestLoad = replicas[start].Load;
        for (int k = 1; k < replicas.Count; k++)
        {
            int i = start + k < replicas.Count ? start + k : start + k - replicas.Count;
            int load = replicas[i].Load;
            if (load < bestLoad)
            {
                best = i;
                bestLoad = load;
            }
        }

        return best;
    }

    /// <summary>Throws unless <paramref name="replicas"/> holds at least one replica.</summary>
    internal static void RequireReplicas(IReadOnlyList<ReplicaLoad> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        if (replicas.Count == 0)
        {
            throw new ArgumentException("no replicas to route to: the list is empty (a policy needs at least one replica)", nameof(replicas));
        }
    }
}
