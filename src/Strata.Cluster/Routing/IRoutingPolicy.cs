// A routing policy: given a request and the replicas' loads, choose a replica.
namespace Strata.Cluster.Routing;

/// <summary>
/// Chooses the replica a request goes to. A policy is not thread-safe: it is used from one thread at a time (inside an
/// Orleans grain, whose turns never overlap), so it takes no locks.
/// </summary>
public interface IRoutingPolicy
{
    /// <summary>"prefix_affinity", "round_robin" or "least_loaded" (see <see cref="RoutingPolicies.Names"/>).</summary>
    string Name { get; }

    /// <summary>Chooses a replica for <paramref name="query"/>.</summary>
    /// <param name="query">the request's tenant and prefix hashes</param>
    /// <param name="replicas">the replicas that may serve it: non-empty, in an order that is stable between calls</param>
    /// <exception cref="ArgumentException"><paramref name="replicas"/> is empty</exception>
    RouteDecision Choose(RouteQuery query, IReadOnlyList<ReplicaLoad> replicas);

    /// <summary>The replica is gone: drops whatever the policy holds for it (a no-op for a policy that holds nothing).</summary>
    void Forget(string replicaId);
}
