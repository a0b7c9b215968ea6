// A model's rollout across versions: which version each request goes to, and the changes to the split.
namespace Strata.Cluster;

/// <summary>
/// One per model name without a version (the key). Splits a scope's requests by smooth weighted round robin, so any
/// run of a hundred requests holds each version's percent exactly. Its state is kept in the cluster's store
/// (PostgreSQL), so a rollout outlives the node its grain ran on.
/// </summary>
public interface IRolloutGrain : IGrainWithStringKey
{
    /// <summary>The version for the next request of <paramref name="tenant"/>; null when the model has no rollout.</summary>
    Task<RolloutPick?> Pick(string tenant);

    /// <summary>Applies a change (written to the store before it takes effect).</summary>
    /// <exception cref="RolloutException">the change is not valid (the message says why)</exception>
    Task<RolloutView> Change(RolloutChange change);

    /// <summary>The rollout as it stands.</summary>
    Task<RolloutView> View();
}
