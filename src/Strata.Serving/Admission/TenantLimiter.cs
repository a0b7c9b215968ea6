// One tenant's limits as counters: requests in flight and a token bucket refilled continuously.
namespace Strata.Serving;

/// <summary>
/// A tenant's live request count and token bucket (full at creation), and the verdict on one more request. Not
/// thread-safe: the caller serializes (the admission lock, or the grain that owns it on a cluster).
/// </summary>
public sealed class TenantLimiter(long createdAt)
{
    /// <summary>Requests queued or running.</summary>
    public int Active { get; private set; }

    /// <summary>Tokens left in the bucket; null until the first request that has a token limit fills it.</summary>
    public double? Bucket { get; private set; }

    private long _refilledAt = createdAt;

    /// <summary>
    /// Counts the request, or says which limit refuses it: a request larger than the tenant's per-minute budget
    /// (permanent), too many in flight, or too few tokens in the bucket (with the seconds until there are enough).
    /// </summary>
    /// <param name="tenant">the tenant's limits</param>
    /// <param name="tokens">prompt plus max tokens</param>
    /// <param name="promptTokens">tokens in the prompt (for the message)</param>
    /// <param name="now">a timestamp of <paramref name="time"/></param>
    /// <param name="time">the clock of <paramref name="now"/> and of the last refill</param>
    public Refusal? TryEnter(TenantConfig tenant, int tokens, int promptTokens, long now, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(time);
        var refusal = Permanent(tenant, tokens, promptTokens);
        if (refusal is not null)
        {
            return refusal;
        }

        if (tenant.MaxConcurrent > 0 && Active >= tenant.MaxConcurrent)
        {
            return new Refusal("tenant_concurrency_limit", $"tenant '{tenant.Name}' has {Active} requests in flight, its limit is {tenant.MaxConcurrent}", 1);
        }

        if (tenant.TokensPerMinute > 0)
        {
            double perSecond = tenant.TokensPerMinute / 60.0;
            double bucket = Math.Min(tenant.TokensPerMinute, (Bucket ?? tenant.TokensPerMinute) + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
            _refilledAt = now;
            Bucket = bucket;
            if (bucket < tokens)
            {
                int wait = (int)Math.Ceiling((tokens - bucket) / perSecond);
                return new Refusal("tenant_token_limit",
                    $"tenant '{tenant.Name}' has used its {tenant.TokensPerMinute} tokens per minute; {bucket:F0} left, the request needs {tokens}", Math.Max(1, wait));
            }

            Bucket = bucket - tokens;
        }

        Active++;
        return null;
    }

    /// <summary><paramref name="requests"/> counted by <see cref="TryEnter"/> ended.</summary>
    public void Leave(int requests = 1) => Active = Math.Max(0, Active - requests);

    /// <summary>The refusal that no wait can lift: the request alone exceeds the tenant's per-minute budget.</summary>
    public static Refusal? Permanent(TenantConfig tenant, int tokens, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return tenant.TokensPerMinute > 0 && tokens > tenant.TokensPerMinute
            ? new Refusal("exceeds_tenant_token_budget",
                $"the request needs {tokens} tokens ({promptTokens} in the prompt + {tokens - promptTokens} max_tokens) and tenant '{tenant.Name}' "
                + $"may use {tenant.TokensPerMinute} per minute, so it can never be admitted; lower max_tokens or shorten the prompt", 0)
            : null;
    }
}
