// The cluster's list of live nodes, their HTTP addresses and replicas: soft state, rebuilt by the nodes' reports.
namespace Strata.Cluster;

/// <summary>
/// One per cluster (key 0). Nodes report every interval; a node that stopped reporting, or whose silo Orleans no longer
/// lists as active, is left out. Losing the activation (its silo died) loses nothing that the next reports do not rebuild.
/// </summary>
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a node's report.</summary>
    Task Report(NodeReport report);

    /// <summary>A node leaves (it is shutting down): it is dropped at once.</summary>
    Task Leave(string nodeId);

    /// <summary>The live nodes, by node id.</summary>
    Task<IReadOnlyList<NodeReport>> Nodes();

    /// <summary>Every node that reported and that Orleans has not seen leave or die, however late its last report (for lookups, not routing).</summary>
    Task<IReadOnlyList<NodeReport>> KnownNodes();
}
