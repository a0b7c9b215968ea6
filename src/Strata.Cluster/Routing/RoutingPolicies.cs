// The routing policies by name: the one place a configured name becomes a policy.
namespace Strata.Cluster.Routing;

/// <summary>Creates routing policies by name.</summary>
public static class RoutingPolicies
{
    /// <summary>Prefix-cache affinity bounded by load (see <see cref="PrefixAffinityPolicy"/>).</summary>
    internal const string PrefixAffinity = "prefix_affinity";

    /// <summary>Each replica in turn.</summary>
    internal const string RoundRobin = "round_robin";

    /// <summary>The least loaded replica.</summary>
    internal const string LeastLoaded = "least_loaded";

    /// <summary>The valid names: "prefix_affinity", "round_robin", "least_loaded".</summary>
    public static IReadOnlyList<string> Names { get; } = [PrefixAffinity, RoundRobin, LeastLoaded];

    /// <summary>A new policy named <paramref name="name"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">the name is not one of <see cref="Names"/>, or an option is out of range</exception>
    public static IRoutingPolicy Create(string name, RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return name switch
        {
            PrefixAffinity => new PrefixAffinityPolicy(options),
            RoundRobin => new RoundRobinPolicy(),
            LeastLoaded => new LeastLoadedPolicy(),
            _ => throw new ArgumentException($"routing policy '{name}' is unknown; expected one of: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
