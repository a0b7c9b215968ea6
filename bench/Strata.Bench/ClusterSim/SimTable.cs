// One table of the cluster-sim report: a tenant setting at one arrival rate, every N and policy.
namespace Strata.Bench.ClusterSim;

/// <summary>The runs of one tenant setting and rate.</summary>
/// <param name="TenantSetting">0 = one tenant per replica, else a fixed number of tenants</param>
/// <param name="RatePerReplica">arrival rate per replica, requests/s</param>
/// <param name="RateRule">how the rate was chosen</param>
internal sealed record SimTable(int TenantSetting, double RatePerReplica, string RateRule)
{
    /// <summary>Each N's trace parameters and its hit-rate ceiling.</summary>
    public List<(int Replicas, TraceOptions Trace, double HitCeiling)> Traces { get; } = [];

    /// <summary>One row per N and policy.</summary>
    public List<SimResult> Rows { get; } = [];
}
