// A tenant at run time: its config, live request count and token bucket.
namespace Strata.Serving;

/// <summary>A tenant's limits and counters; counters are guarded by the admission lock. Its bucket starts full at
/// <paramref name="time"/>'s now.</summary>
internal sealed class Tenant(TenantConfig config, TimeProvider time)
{
    public TenantConfig Config { get; } = config;

    public string Name => Config.Name;

    /// <summary>Requests queued or running.</summary>
    public int Active { get; set; }

    /// <summary>Tokens left in the bucket (refilled continuously at TokensPerMinute).</summary>
    public double Bucket { get; set; } = config.TokensPerMinute;

    /// <summary>Timestamp (of the server's <see cref="TimeProvider"/>) of the last refill.</summary>
    public long RefilledAt { get; set; } = time.GetTimestamp();

    public bool MayUse(string model) => Config.AllowedModels is null || Config.AllowedModels.Contains(model);
}
