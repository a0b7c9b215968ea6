// Which node runs a task: an owner per task, changed only by compare-and-set, so a dead node's tasks move to one live node.
namespace Strata.Agents;

/// <summary>
/// Ownership of tasks by the nodes (processes) that run them, kept in the checkpoint store beside the task rows. A task
/// starts unowned; a node claims it before running it, and a node taking over a dead node's tasks claims each from that
/// owner. A claim is one atomic compare-and-set in the store, so of several nodes claiming a task from the same owner
/// exactly one wins. Ownership never expires: deciding that an owner is dead is the caller's (cluster membership, an
/// operator). Committing a checkpoint neither checks nor changes the owner, and replacing a task's row keeps it.
/// </summary>
public interface ITaskOwnership
{
    /// <summary>The task's owner; null when it is unowned or has no row.</summary>
    /// <exception cref="StoreException">the store cannot be read</exception>
    string? Owner(string taskId);

    /// <summary>
    /// Makes <paramref name="owner"/> the task's owner if its owner now is <paramref name="expectedOwner"/> (null:
    /// unowned) or already <paramref name="owner"/>; one atomic compare-and-set.
    /// </summary>
    /// <returns>True when <paramref name="owner"/> owns the task afterwards; false when someone else does or the task has no row.</returns>
    /// <exception cref="ArgumentException"><paramref name="taskId"/> or <paramref name="owner"/> is empty</exception>
    /// <exception cref="StoreException">the store cannot be written</exception>
    bool TryClaim(string taskId, string owner, string? expectedOwner);

    /// <summary>The tasks <paramref name="owner"/> owns, oldest first, optionally only those with a status.</summary>
    /// <exception cref="StoreException">the store cannot be read</exception>
    IReadOnlyList<StoredTask> TasksOwnedBy(string owner, AgentTaskStatus? status = null);
}
