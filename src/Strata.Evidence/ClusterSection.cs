// Evidence from the cluster: which node took the request, which served it, why that replica, and which version.
namespace Strata.Evidence;

/// <summary>How a cluster routed one request (null on a server that is not a cluster node).</summary>
public sealed record ClusterSection
{
    /// <summary>The cluster's name.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The node the client sent the request to (its silo address).</summary>
    public required string EntryNode { get; init; }

    /// <summary>The node whose replica served it.</summary>
    public string? ServedNode { get; init; }

    /// <summary>The routing policy (prefix_affinity, round_robin, least_loaded).</summary>
    public string? Policy { get; init; }

    /// <summary>The policy's reason for the replica (prefix_match, no_match, load_bound, round_robin, least_loaded).</summary>
    public string? Reason { get; init; }

    /// <summary>Prompt blocks the router expected the replica to have cached.</summary>
    public int MatchedBlocks { get; init; }

    /// <summary>The model the client named.</summary>
    public string? RequestedModel { get; init; }

    /// <summary>The version that served it (as in <c>smol@v2</c>), when a rollout chose among versions.</summary>
    public string? RolloutVersion { get; init; }

    /// <summary>The rollout's stable version at the time, when a rollout chose.</summary>
    public string? RolloutStable { get; init; }

    /// <summary>The chosen version's share of the tenant's traffic (percent) at the time, when a rollout chose.</summary>
    public int? RolloutWeightPercent { get; init; }

    /// <summary>Nodes tried first that could not be reached (the request ran on none of them).</summary>
    public IReadOnlyList<string>? UnreachableNodes { get; init; }
}
