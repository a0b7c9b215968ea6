// The server's tenant limits counted by the cluster's tenant grains, so they hold across nodes.
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// <see cref="ITenantLimits"/> on <see cref="ITenantLimitsGrain"/>: every node asks the one grain of the tenant. A tenant
/// without limits costs no call. When the grain cannot be reached the request is refused (retry in a second): a limit
/// that cannot be counted is not waived.
/// </summary>
internal sealed class ClusterTenantLimits(IGrainFactory grains, ILocalSiloDetails silo, ILogger<ClusterTenantLimits> log) : ITenantLimits
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _limited = new(StringComparer.Ordinal);

    public async ValueTask<Refusal?> TryEnterAsync(TenantConfig tenant, int tokens, int promptTokens)
    {
        bool limited = tenant.MaxConcurrent > 0 || tenant.TokensPerMinute > 0;
        _limited[tenant.Name] = limited;
        if (!limited)
        {
            return null;
        }

        TenantVerdict? verdict;
        try
        {
            verdict = await grains.GetGrain<ITenantLimitsGrain>(tenant.Name)
                .TryEnter(NodeId, tenant.MaxConcurrent, tenant.TokensPerMinute, tokens, promptTokens).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            log.LimitsUncounted(tenant.Name, e.Message);
            return new Refusal("cluster_admission_unavailable",
                $"the cluster could not count tenant '{tenant.Name}''s limits just now ({e.GetType().Name}); retry", 1);
        }

        return verdict is null ? null : new Refusal(verdict.Code, verdict.Message, verdict.RetryAfterSeconds);
    }

    public void Leave(string tenant)
    {
        if (!_limited.TryGetValue(tenant, out bool limited) || !limited)
        {
            return;
        }

        _ = LeaveAsync(tenant);
    }

    private string NodeId => silo.SiloAddress.ToParsableString();

    private async Task LeaveAsync(string tenant)
    {
        try
        {
            await grains.GetGrain<ITenantLimitsGrain>(tenant).Leave(NodeId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            // The grain forgets what a dead node held; a live node's lost leave costs one slot until the grain moves.
            log.LeaveLost(tenant, e.Message);
        }
    }
}
