// A tenant at run time: its config, live request count and token bucket.
namespace Strata.Serving;

/// <summary>A tenant's limits and counters; counters are guarded by the admission lock.</summary>
internal sealed class Tenant(TenantConfig config)
{
    public TenantConfig Config { get; } = config;

    public string Name => Config.Name;

    /// <summary>Requests queued or running.</summary>
    public int Active { get; set; }

    /// <summary>Tokens left in the bucket (refilled continuously at TokensPerMinute).</summary>
    public double Bucket { get; set; } = config.TokensPerMinute;

    /// <summary>Stopwatch timestamp of the last refill.</summary>
    public long RefilledAt { get; set; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public bool MayUse(string model) => Config.AllowedModels is null || Config.AllowedModels.Contains(model);
}
