// Where a tenant's limits are counted: in the server (the default) or, on a cluster, in one place for every node.
namespace Strata.Serving;

/// <summary>
/// Counts a tenant's requests in flight and its token bucket. A server without one counts in its own
/// <see cref="TenantLimiter"/> per tenant; a cluster registers one (in <see cref="ServerExtension.Services"/>) that
/// counts for every node at once, so a tenant's limits hold across nodes.
/// </summary>
public interface ITenantLimits
{
    /// <summary>
    /// Counts a request of <paramref name="tokens"/> (prompt plus max tokens) for <paramref name="tenant"/>, or says
    /// which limit refuses it. A request that entered is left once, by <see cref="Leave"/>.
    /// </summary>
    ValueTask<Refusal?> TryEnterAsync(TenantConfig tenant, int tokens, int promptTokens);

    /// <summary>A request that entered for <paramref name="tenant"/> ended.</summary>
    void Leave(string tenant);
}
