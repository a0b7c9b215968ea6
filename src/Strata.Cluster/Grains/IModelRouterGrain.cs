// One served model's router: its replicas' load and the routing policy's memory of what each replica has cached.
namespace Strata.Cluster;

/// <summary>
/// One per served model name (the key). Every node asks it where a request goes, so prefix affinity sees the whole
/// cluster's traffic; its state is soft (rebuilt by the nodes' reports and the traffic) if its silo dies.
/// </summary>
public interface IModelRouterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Picks the replica for a request of <paramref name="tenant"/> whose prompt starts with the chained block hashes
    /// <paramref name="prefix"/>, among live replicas not in <paramref name="exclude"/>; null when none is left.
    /// </summary>
    Task<RouteChoice?> Choose(string tenant, ulong[] prefix, string[] exclude);

    /// <summary>A request routed to <paramref name="nodeId"/> ended.</summary>
    Task Done(string nodeId);

    /// <summary><paramref name="nodeId"/> could not be reached: route nothing there until it reports again.</summary>
    Task Failed(string nodeId);

    /// <summary>A node's report of its replica of this model.</summary>
    Task Report(string nodeId, string url, ReplicaReport replica);

    /// <summary>The router's counts, for the status page.</summary>
    Task<IReadOnlyList<RoutedReplica>> Replicas();
}
