// The seam through which a layer above learns that it runs on one node of several, and when a node goes.
namespace Strata.Serving;

/// <summary>
/// A cluster's view of its nodes, registered by the cluster (Strata.Cluster) in <see cref="ServerExtension.Services"/>;
/// absent on a single server. The agent runtime uses it to take over the tasks of a node that died.
/// </summary>
public interface INodeMembership
{
    /// <summary>This node's id (stable for the life of the process).</summary>
    string NodeId { get; }

    /// <summary>
    /// True when the node has left or been declared dead. A node this one does not know yet is not gone (views lag, and
    /// taking a live node's work would run it twice).
    /// </summary>
    bool IsGone(string nodeId);

    /// <summary>Raised when the membership changes (a node joined, left or was declared dead).</summary>
    event EventHandler? Changed;
}
