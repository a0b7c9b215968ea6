// One tenant's limits counted once for the whole cluster.
namespace Strata.Cluster;

/// <summary>
/// One per tenant (the key): its requests in flight and token bucket for every node, so a burst spread over nodes meets
/// the limits one node would apply. What a node that died had in flight is forgotten once Orleans declares it dead.
/// </summary>
public interface ITenantLimitsGrain : IGrainWithStringKey
{
    /// <summary>Counts a request from <paramref name="nodeId"/>, or returns the refusal.</summary>
    Task<TenantVerdict?> TryEnter(string nodeId, int maxConcurrent, int tokensPerMinute, int tokens, int promptTokens);

    /// <summary>A request that entered from <paramref name="nodeId"/> ended.</summary>
    Task Leave(string nodeId);
}
