// A tenant at run time: its config and, when the server counts its limits itself, its counters.
namespace Strata.Serving;

/// <summary>A tenant's limits and local counters (guarded by the admission lock); the bucket starts full at <paramref name="time"/>'s now.</summary>
internal sealed class Tenant(TenantConfig config, TimeProvider time)
{
    public TenantConfig Config { get; } = config;

    public string Name => Config.Name;

    /// <summary>Requests queued or running and the token bucket, when no <see cref="ITenantLimits"/> counts them elsewhere.</summary>
    public TenantLimiter Limiter { get; } = new(time.GetTimestamp());

    public bool MayUse(string model) => Config.AllowedModels is null || Config.AllowedModels.Contains(model);
}
