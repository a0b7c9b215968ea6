// Which node runs a task when several nodes share one store: the owner, and who takes over a dead owner's tasks.
using System.Text.Json.Nodes;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>
/// On a single server every task is this server's and nothing here applies. On a cluster (an
/// <see cref="INodeMembership"/> and a store with <see cref="ITaskOwnership"/>) a node runs a task only once it owns it:
/// a new task is claimed by the node it was submitted to; a task whose owner has left or been declared dead is claimed,
/// by compare-and-set, by exactly one survivor, which records the move in the task's ledger and resumes it from its
/// checkpoints, so no completed step runs again.
/// </summary>
internal sealed class TaskOwners(AgentRuntime runtime, INodeMembership? cluster)
{
    // A task still unowned this long after its last change was submitted to a node that died before claiming it.
    private static readonly TimeSpan Orphaned = TimeSpan.FromSeconds(30);

    private readonly ICheckpointStore _store = runtime.Options.Store;

    /// <summary>True when this node shares its store with other nodes and claims what it runs.</summary>
    public bool Clustered => cluster is not null && _store is ITaskOwnership;

    /// <summary>The membership, when clustered.</summary>
    public INodeMembership? Cluster => Clustered ? cluster : null;

    /// <summary>
    /// True when this node may run the task now: it owns it, or has just claimed it (unowned, or from a gone owner).
    /// False when a live node owns it.
    /// </summary>
    public bool TryTake(string taskId)
    {
        if (!Clustered)
        {
            return true;
        }

        var owners = (ITaskOwnership)_store;
        string me = cluster!.NodeId;
        string? owner = owners.Owner(taskId);
        if (owner == me)
        {
            return true;
        }

        if (owner is not null && !cluster.IsGone(owner))
        {
            return false;
        }

        if (!owners.TryClaim(taskId, me, owner))
        {
            return false; // another survivor was first
        }

        if (owner is not null)
        {
            var now = runtime.Options.Time.GetUtcNow();
            _store.Commit(new Checkpoint(taskId, now)
            {
                Evidence = [LedgerPayload.Record("task.recovered", new JsonObject { ["from_node"] = owner, ["to_node"] = me, ["why"] = "owner left or was declared dead" })],
            });
        }

        return true;
    }

    /// <summary>
    /// The tasks this node should run now: unfinished tasks whose owner is gone (or that were never claimed and are
    /// orphaned), and its own tasks waiting on approvals that were resolved through another node.
    /// </summary>
    public IReadOnlyList<string> Sweep()
    {
        if (!Clustered)
        {
            return [];
        }

        var owners = (ITaskOwnership)_store;
        string me = cluster!.NodeId;
        var now = runtime.Options.Time.GetUtcNow();
        var due = new List<string>();
        foreach (var status in (ReadOnlySpan<AgentTaskStatus>)[AgentTaskStatus.Running, AgentTaskStatus.Compensating, AgentTaskStatus.WaitingApproval])
        {
            foreach (var task in _store.Tasks(status))
            {
                string? owner = owners.Owner(task.TaskId);
                if (owner is null ? now - task.UpdatedAt > Orphaned : owner != me && cluster.IsGone(owner))
                {
                    due.Add(task.TaskId);
                }
                else if (owner == me && status == AgentTaskStatus.WaitingApproval && _store.Approvals(task.TaskId, ApprovalStatus.Pending).Count == 0)
                {
                    due.Add(task.TaskId);
                }
            }
        }

        return due;
    }
}
