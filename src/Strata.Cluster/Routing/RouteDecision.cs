// The router's choice of replica and why it chose it.
namespace Strata.Cluster.Routing;

/// <summary>The router's choice and why.</summary>
/// <param name="ReplicaId">the chosen replica</param>
/// <param name="MatchedBlocks">blocks of the query's prefix the policy believes the chosen replica holds (0 for cache-blind policies)</param>
/// <param name="Reason">
/// "prefix_match" (longest matched prefix), "no_match" (no replica matched: least loaded), "load_bound" (the best match was
/// too loaded: least loaded), "round_robin" or "least_loaded" (the cache-blind policies)
/// </param>
public sealed record RouteDecision(string ReplicaId, int MatchedBlocks, string Reason);
