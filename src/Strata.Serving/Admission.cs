// Admission control: a bounded global queue, per-tenant concurrency and token-rate limits; what is refused gets a reason and a retry time.
using System.Diagnostics;

namespace Strata.Serving;

/// <summary>Why a request was not admitted, and when to try again.</summary>
/// <param name="Code">machine-readable code, e.g. "queue_full"</param>
/// <param name="Message">what limit was hit</param>
/// <param name="RetryAfterSeconds">value for the Retry-After header</param>
internal sealed record Refusal(string Code, string Message, int RetryAfterSeconds);

/// <summary>
/// Counts requests waiting for a slot (over all models) and each tenant's live requests and token bucket. Admitted
/// requests are released once: <see cref="LeftQueue"/> when they first run (or end while queued), <see cref="Finished"/> at the end.
/// </summary>
internal sealed class Admission(int queueCapacity)
{
    private readonly Lock _gate = new();
    private int _queued;

    public int QueueCapacity { get; } = queueCapacity;

    /// <summary>Requests admitted and waiting for a slot.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Admits a request costing <paramref name="tokens"/> (prompt plus max tokens), or says why not.</summary>
    public Refusal? TryAdmit(Tenant tenant, int tokens)
    {
        lock (_gate)
        {
            if (_queued >= QueueCapacity)
            {
                return new Refusal("queue_full", $"the server's queue is full ({QueueCapacity} requests waiting); retry later", 1);
            }

            var c = tenant.Config;
            if (c.MaxConcurrent > 0 && tenant.Active >= c.MaxConcurrent)
            {
                return new Refusal("tenant_concurrency_limit", $"tenant '{tenant.Name}' has {tenant.Active} requests in flight, its limit is {c.MaxConcurrent}", 1);
            }

            if (c.TokensPerMinute > 0)
            {
                long now = Stopwatch.GetTimestamp();
                double perSecond = c.TokensPerMinute / 60.0;
                tenant.Bucket = Math.Min(c.TokensPerMinute, tenant.Bucket + (Stopwatch.GetElapsedTime(tenant.RefilledAt, now).TotalSeconds * perSecond));
                tenant.RefilledAt = now;
                if (tokens > c.TokensPerMinute)
                {
                    return new Refusal("tenant_token_limit",
                        $"the request needs {tokens} tokens (prompt + max_tokens), tenant '{tenant.Name}' may use {c.TokensPerMinute} per minute", 60);
                }

                if (tenant.Bucket < tokens)
                {
                    int wait = (int)Math.Ceiling((tokens - tenant.Bucket) / perSecond);
                    return new Refusal("tenant_token_limit",
                        $"tenant '{tenant.Name}' has used its {c.TokensPerMinute} tokens per minute; {tenant.Bucket:F0} left, the request needs {tokens}", Math.Max(1, wait));
                }

                tenant.Bucket -= tokens;
            }

            tenant.Active++;
            _queued++;
            return null;
        }
    }

    /// <summary>The request left the queue (it started running, or ended while waiting).</summary>
    public void LeftQueue()
    {
        lock (_gate)
        {
            _queued--;
        }
    }

    /// <summary>The request ended.</summary>
    public void Finished(Tenant tenant)
    {
        lock (_gate)
        {
            tenant.Active--;
        }
    }
}
