// A tenant's requests in flight and token bucket for the whole cluster, with what each node holds of them.
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <inheritdoc cref="ITenantLimitsGrain"/>
internal sealed class TenantLimitsGrain(IClusterMembershipService membership) : Grain, ITenantLimitsGrain
{
    private readonly TenantLimiter _limiter = new(TimeProvider.System.GetTimestamp());
    private readonly Dictionary<string, int> _byNode = new(StringComparer.Ordinal);

    public Task<TenantVerdict?> TryEnter(string nodeId, int maxConcurrent, int tokensPerMinute, int tokens, int promptTokens)
    {
        ForgetDeadNodes();
        var tenant = new TenantConfig { Name = this.GetPrimaryKeyString(), MaxConcurrent = maxConcurrent, TokensPerMinute = tokensPerMinute };
        var refusal = _limiter.TryEnter(tenant, tokens, promptTokens, TimeProvider.System.GetTimestamp(), TimeProvider.System);
        if (refusal is not null)
        {
            return Task.FromResult<TenantVerdict?>(new TenantVerdict { Code = refusal.Code, Message = refusal.Message, RetryAfterSeconds = refusal.RetryAfterSeconds });
        }

        _byNode[nodeId] = _byNode.GetValueOrDefault(nodeId) + 1;
        return Task.FromResult<TenantVerdict?>(null);
    }

    public Task Leave(string nodeId)
    {
        if (_byNode.TryGetValue(nodeId, out int held) && held > 0)
        {
            _byNode[nodeId] = held - 1;
            _limiter.Leave();
        }

        return Task.CompletedTask;
    }

    // The requests a dead node held will never leave: its count goes with it.
    private void ForgetDeadNodes()
    {
        List<string>? dead = null;
        foreach (var (node, held) in _byNode)
        {
            if (held == 0 || membership.IsGone(node))
            {
                (dead ??= []).Add(node);
            }
        }

        foreach (var node in dead ?? [])
        {
            _limiter.Leave(_byNode[node]);
            _byNode.Remove(node);
        }
    }
}
