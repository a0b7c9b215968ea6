// Admission control: running slots plus a bounded global queue, per-tenant concurrency and token-rate limits; what is refused gets a reason.

namespace Strata.Serving;

/// <summary>Why a request was not admitted, and when to try again.</summary>
/// <param name="Code">machine-readable code, e.g. "queue_full"</param>
/// <param name="Message">what limit was hit</param>
/// <param name="RetryAfterSeconds">value for the Retry-After header; 0 when retrying cannot help</param>
public sealed record Refusal(string Code, string Message, int RetryAfterSeconds)
{
    /// <summary>The request can never be admitted as it is (retrying cannot help): a 4xx other than 429.</summary>
    public bool Permanent => RetryAfterSeconds == 0;
}

/// <summary>
/// Counts each model's requests in flight (admitted and not finished) and each tenant's live requests and token bucket.
/// A model's first <c>maxRunning</c> requests in flight take its running slots; only those beyond wait, and the waiting
/// requests of all models together are bounded by the queue capacity. Counting a request as waiting until the scheduler's
/// loop picked it up refused bursts while slots sat free (200 requests against 16 slots and a queue of 16 admitted 17).
/// Every admitted request is released once, by <see cref="Finished"/>. Token buckets refill by <paramref name="time"/>.
/// A tenant's limits are counted by <paramref name="tenantLimits"/> when given (a cluster's, for every node), else here.
/// </summary>
internal sealed class Admission(int queueCapacity, int maxRunning, TimeProvider time, ITenantLimits? tenantLimits = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _waiting;

    public int QueueCapacity { get; } = queueCapacity;

    /// <summary>Requests admitted beyond their model's running slots (waiting for one).</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>
    /// Admits a request to <paramref name="model"/> costing <paramref name="tokens"/> (prompt plus max tokens), or says
    /// why not: this server's slots and queue first, then the tenant's limits wherever they are counted.
    /// </summary>
    public async ValueTask<Refusal?> TryAdmitAsync(Tenant tenant, string model, int tokens, int promptTokens)
    {
        if (tenantLimits is null)
        {
            return TryAdmit(tenant, model, tokens, promptTokens);
        }

        var refusal = TryAdmit(tenant, model, tokens, promptTokens, countTenant: false);
        if (refusal is not null)
        {
            return refusal;
        }

        refusal = await tenantLimits.TryEnterAsync(tenant.Config, tokens, promptTokens).ConfigureAwait(false);
        if (refusal is not null)
        {
            Release(model);
        }

        return refusal;
    }

    /// <summary>Admits a request, counting its tenant's limits here (see <see cref="TryAdmitAsync"/>).</summary>
    public Refusal? TryAdmit(Tenant tenant, string model, int tokens, int promptTokens) => TryAdmit(tenant, model, tokens, promptTokens, countTenant: true);

    private Refusal? TryAdmit(Tenant tenant, string model, int tokens, int promptTokens, bool countTenant)
    {
        lock (_gate)
        {
            var refusal = TenantLimiter.Permanent(tenant.Config, tokens, promptTokens);
            if (refusal is not null)
            {
                return refusal;
            }

            int inFlight = _inFlight.GetValueOrDefault(model);
            bool waits = inFlight >= maxRunning;
            if (waits && _waiting >= QueueCapacity)
            {
                return new Refusal("queue_full",
                    $"the server is full ({maxRunning} running for model '{model}', {QueueCapacity} requests waiting); retry later", 1);
            }

            if (countTenant)
            {
                refusal = tenant.Limiter.TryEnter(tenant.Config, tokens, promptTokens, time.GetTimestamp(), time);
                if (refusal is not null)
                {
                    return refusal;
                }
            }

            _inFlight[model] = inFlight + 1;
            if (waits)
            {
                _waiting++;
            }

            return null;
        }
    }

    /// <summary>The request admitted to <paramref name="model"/> for <paramref name="tenant"/> ended.</summary>
    public void Finished(Tenant tenant, string model)
    {
        if (tenantLimits is not null)
        {
            tenantLimits.Leave(tenant.Name);
        }
        else
        {
            lock (_gate)
            {
                tenant.Limiter.Leave();
            }
        }

        Release(model);
    }

    private void Release(string model)
    {
        lock (_gate)
        {
            int inFlight = _inFlight[model] - 1;
            _inFlight[model] = inFlight;
            if (inFlight >= maxRunning)
            {
                _waiting--; // one of the waiting takes the slot this request leaves
            }
        }
    }
}
