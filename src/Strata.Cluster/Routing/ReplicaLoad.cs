// A replica as the router sees it: how many sequences it runs and how many wait for it.
namespace Strata.Cluster.Routing;

/// <summary>A replica as the router sees it.</summary>
/// <param name="ReplicaId">the replica's stable id (the key <see cref="IRoutingPolicy.Forget"/> drops)</param>
/// <param name="Running">sequences the replica is running</param>
/// <param name="Waiting">requests queued for it</param>
public sealed record ReplicaLoad(string ReplicaId, int Running, int Waiting)
{
    /// <summary>Running + Waiting: the work outstanding on the replica.</summary>
    public int Load => Running + Waiting;
}
