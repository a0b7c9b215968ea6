// Which node ids (silo addresses) Orleans has seen leave or die.
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// Asks the silo's membership view whether a node is gone (shutting down, stopping or declared dead). A node this silo
/// does not know yet is not gone: views lag, and a node's reports prove it alive until they stop.
/// </summary>
internal static class LiveNodes
{
    public static bool IsGone(this IClusterMembershipService membership, string nodeId)
    {
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(nodeId);
        }
        catch (FormatException)
        {
            return true;
        }

        return membership.CurrentSnapshot.GetSiloStatus(silo) is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead;
    }

    /// <summary>How long a node's last report keeps it routable: several report intervals, and at least three seconds.</summary>
    public static long StaleAfterMs(ClusterConfig config) => Math.Max(3000, 8L * config.ReportIntervalMs);
}
