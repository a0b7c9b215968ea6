// Admission control: running slots plus a bounded global queue, per-tenant concurrency and token-rate limits; what is refused gets a reason.

namespace Strata.Serving;

/// <summary>Why a request was not admitted, and when to try again.</summary>
/// <param name="Code">machine-readable code, e.g. "queue_full"</param>
/// <param name="Message">what limit was hit</param>
/// <param name="RetryAfterSeconds">value for the Retry-After header; 0 when retrying cannot help</param>
internal sealed record Refusal(string Code, string Message, int RetryAfterSeconds)
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
/// </summary>
internal sealed class Admission(int queueCapacity, int maxRunning, TimeProvider time)
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

    /// <summary>Admits a request to <paramref name="model"/> costing <paramref name="tokens"/> (prompt plus max tokens), or says why not.</summary>
    public Refusal? TryAdmit(Tenant tenant, string model, int tokens, int promptTokens)
    {
        lock (_gate)
        {
            var c = tenant.Config;
            if (c.TokensPerMinute > 0 && tokens > c.TokensPerMinute)
            {
                return new Refusal("exceeds_tenant_token_budget",
                    $"the request needs {tokens} tokens ({promptTokens} in the prompt + {tokens - promptTokens} max_tokens) and tenant '{tenant.Name}' "
                    + $"may use {c.TokensPerMinute} per minute, so it can never be admitted; lower max_tokens or shorten the prompt", 0);
            }

            int inFlight = _inFlight.GetValueOrDefault(model);
            bool waits = inFlight >= maxRunning;
            if (waits && _waiting >= QueueCapacity)
            {
                return new Refusal("queue_full",
                    $"the server is full ({maxRunning} running for model '{model}', {QueueCapacity} requests waiting); retry later", 1);
            }

            if (c.MaxConcurrent > 0 && tenant.Active >= c.MaxConcurrent)
            {
                return new Refusal("tenant_concurrency_limit", $"tenant '{tenant.Name}' has {tenant.Active} requests in flight, its limit is {c.MaxConcurrent}", 1);
            }

            if (c.TokensPerMinute > 0)
            {
                long now = time.GetTimestamp();
                double perSecond = c.TokensPerMinute / 60.0;
                tenant.Bucket = Math.Min(c.TokensPerMinute, tenant.Bucket + (time.GetElapsedTime(tenant.RefilledAt, now).TotalSeconds * perSecond));
                tenant.RefilledAt = now;
                if (tenant.Bucket < tokens)
                {
                    int wait = (int)Math.Ceiling((tokens - tenant.Bucket) / perSecond);
                    return new Refusal("tenant_token_limit",
                        $"tenant '{tenant.Name}' has used its {c.TokensPerMinute} tokens per minute; {tenant.Bucket:F0} left, the request needs {tokens}", Math.Max(1, wait));
                }

                tenant.Bucket -= tokens;
            }

            tenant.Active++;
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
        lock (_gate)
        {
            tenant.Active--;
            int inFlight = _inFlight[model] - 1;
            _inFlight[model] = inFlight;
            if (inFlight >= maxRunning)
            {
                _waiting--; // one of the waiting takes the slot this request leaves
            }
        }
    }
}
