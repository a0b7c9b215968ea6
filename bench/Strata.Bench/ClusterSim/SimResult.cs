// One row of the simulator's table: a policy on N replicas over one trace.
namespace Strata.Bench.ClusterSim;

/// <summary>The figures of one simulated run.</summary>
/// <param name="Replicas">N</param>
/// <param name="Policy">the routing policy's name</param>
/// <param name="HitRate">prompt blocks found in the chosen replica's prefix cache / prompt blocks</param>
/// <param name="TtftP50Ms">median time to first token (simulated ms)</param>
/// <param name="TtftP99Ms">99th percentile time to first token (simulated ms)</param>
/// <param name="TokensPerSecond">output tokens / (last completion − first arrival), simulated</param>
/// <param name="Imbalance">spreads of outstanding and waiting requests across replicas</param>
/// <param name="LoadBound">the routing options' load bound (used by prefix_affinity only)</param>
/// <param name="LoadBoundShare">share of decisions the load bound overrode (prefix_affinity only, else 0)</param>
internal sealed record SimResult(int Replicas, string Policy, double HitRate, double TtftP50Ms, double TtftP99Ms, double TokensPerSecond,
    ImbalanceMeter Imbalance, int LoadBound, double LoadBoundShare)
{
    /// <summary>The policy's name, with the bound where it uses one.</summary>
    public string Label => Policy == "prefix_affinity" ? $"prefix_affinity, bound {LoadBound}" : Policy;
}
