// prefix_affinity: send a request where its prompt's prefix was sent before, unless that replica is too loaded.
namespace Strata.Cluster.Routing;

/// <summary>
/// Cache-aware routing in the manner of SGLang's router (sgl-router's cache_aware policy), with a hard load bound. Per
/// replica it keeps an approximate set of the block hashes it has been sent (a <see cref="PrefixTable"/>: LRU, bounded
/// by <see cref="RoutingOptions.CacheBlocksPerReplica"/>), filled at decision time with the chosen replica's query, as
/// SGLang's router fills its tree. A replica matches k blocks when hash k-1 of the query is in its set (the hashes are
/// chained, so hash k-1 stands for the whole prefix of k blocks). The choice:
/// <list type="number">
/// <item>the replica with the longest match, ties to the least loaded, then the first in list order ("prefix_match");</item>
/// <item>no replica matches a block: the least loaded, first in list order ("no_match");</item>
/// <item>the best match's load exceeds the least load by more than <see cref="RoutingOptions.LoadBound"/>: the least
/// loaded ("load_bound"), so affinity never piles work on one replica past the bound.</item>
/// </list>
/// Keys are the query's hashes mixed with a hash of its tenant, so two tenants never share an entry even if a caller
/// hands in unsalted hashes. Single-threaded (see <see cref="IRoutingPolicy"/>); Choose allocates only its decision
/// (and a table for a replica seen the first time).
/// </summary>
internal sealed class PrefixAffinityPolicy : IRoutingPolicy
{
    // Seed of the tenant mix (differs from PrefixKey's tenant seed, so the mix is not h[-1]).
    private const ulong TenantMixSeed = 0x726F7574653A746EUL;

    private readonly RoutingOptions _options;
    private readonly Dictionary<string, PrefixTable> _tables = new(StringComparer.Ordinal);

    /// <summary>A policy with no history.</summary>
    public PrefixAffinityPolicy(RoutingOptions options)
    {
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => RoutingPolicies.PrefixAffinity;

    /// <summary>Replicas the policy holds a prefix table for.</summary>
    internal int TrackedReplicas => _tables.Count;

    /// <inheritdoc/>
    public RouteDecision Choose(RouteQuery query, IReadOnlyList<ReplicaLoad> replicas)
    {
        LeastLoadedPolicy.RequireReplicas(replicas);
        ArgumentNullException.ThrowIfNull(query.Tenant, "query.Tenant");
        ArgumentNullException.ThrowIfNull(query.Prefix, "query.Prefix");
        ulong tenant = PrefixKey.Hash(TenantMixSeed, query.Tenant);
        ulong[] prefix = query.Prefix;
        int leastLoaded = LeastLoadedPolicy.IndexOfLeastLoaded(replicas, 0);
        int minLoad = replicas[leastLoaded].Load;

        int best = -1;
        int bestMatch = 0;
        for (int r = 0; r < replicas.Count; r++)
        {
            if (!_tables.TryGetValue(replicas[r].ReplicaId, out var table))
            {
                continue;
            }

            // Only a match at least as long as the best so far can change the choice.
            int match = Matched(table, prefix, tenant, Math.Max(bestMatch, 1));
            if (match > bestMatch || (match > 0 && match == bestMatch && replicas[r].Load < replicas[best].Load))
            {
                best = r;
                bestMatch = match;
            }
        }

        RouteDecision decision;
        if (best < 0)
        {
            decision = new RouteDecision(replicas[leastLoaded].ReplicaId, 0, RouteReasons.NoMatch);
        }
        else if (replicas[best].Load - minLoad > _options.LoadBound)
        {
            int matched = _tables.TryGetValue(replicas[leastLoaded].ReplicaId, out var table) ? Matched(table, prefix, tenant, 1) : 0;
            decision = new RouteDecision(replicas[leastLoaded].ReplicaId, matched, RouteReasons.LoadBound);
        }
        else
        {
            decision = new RouteDecision(replicas[best].ReplicaId, bestMatch, RouteReasons.PrefixMatch);
        }

        Record(decision.ReplicaId, prefix, tenant);
        return decision;
    }

    /// <inheritdoc/>
    public void Forget(string replicaId) => _tables.Remove(replicaId);

    // The longest k ≥ atLeast such that key k-1 is in the table, or 0 when there is none.
    private static int Matched(PrefixTable table, ulong[] prefix, ulong tenant, int atLeast)
    {
        for (int k = prefix.Length; k >= atLeast; k--)
        {
            if (table.Contains(prefix[k - 1] ^ tenant))
            {
                return k;
            }
        }

        return 0;
    }

    // The chosen replica is now sent this prefix: touch its keys deepest first, so the shared roots are the most recently
    // used and eviction takes the deep, request-specific blocks first (as a radix tree evicts leaves).
    private void Record(string replicaId, ulong[] prefix, ulong tenant)
    {
        if (prefix.Length == 0)
        {
            return;
        }

        if (!_tables.TryGetValue(replicaId, out var table))
        {
            table = new PrefixTable(_options.CacheBlocksPerReplica);
            _tables.Add(replicaId, table);
        }

        for (int k = prefix.Length - 1; k >= 0; k--)
        {
            table.Touch(prefix[k] ^ tenant);
        }
    }
}
