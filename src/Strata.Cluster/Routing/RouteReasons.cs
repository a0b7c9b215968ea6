// The reasons a routing decision names (RouteDecision.Reason), one constant each.
namespace Strata.Cluster.Routing;

/// <summary>Values of <see cref="RouteDecision.Reason"/>.</summary>
internal static class RouteReasons
{
    /// <summary>The replica with the longest matched prefix (within the load bound).</summary>
    public const string PrefixMatch = "prefix_match";

    /// <summary>No replica matched any block: the least loaded one.</summary>
    public const string NoMatch = "no_match";

    /// <summary>The best match was loaded past the bound: the least loaded one instead.</summary>
    public const string LoadBound = "load_bound";

    /// <summary>The next replica in turn.</summary>
    public const string RoundRobin = "round_robin";

    /// <summary>The least loaded replica.</summary>
    public const string LeastLoaded = "least_loaded";
}
