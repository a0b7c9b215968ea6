// Settings of the routing policies, validated once when a policy is created.
namespace Strata.Cluster.Routing;

/// <summary>Settings of the routing policies.</summary>
public sealed record RoutingOptions
{
    /// <summary>Never pick a replica whose load exceeds the least loaded one's by more than this (≥ 0).</summary>
    public int LoadBound { get; init; } = 4;

    /// <summary>Capacity, in block hashes, of each replica's approximate prefix table (LRU eviction; ≥ 1).</summary>
    public int CacheBlocksPerReplica { get; init; } = 16384;

    /// <summary>Throws ArgumentException naming the field when a setting is out of range.</summary>
    internal void Validate()
    {
        if (LoadBound < 0)
        {
            throw new ArgumentException($"routing option '{nameof(LoadBound)}' is {LoadBound}, expected 0 or more", nameof(LoadBound));
        }

        if (CacheBlocksPerReplica < 1)
        {
            throw new ArgumentException(
                $"routing option '{nameof(CacheBlocksPerReplica)}' is {CacheBlocksPerReplica}, expected 1 or more", nameof(CacheBlocksPerReplica));
        }
    }
}
