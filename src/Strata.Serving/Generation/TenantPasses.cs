// One tenant's forward passes on one model, counted by that model's scheduler thread for the tenant's evidence.
namespace Strata.Serving;

/// <summary>The tenant's pass count on a model and its share of the current pass (owned by the scheduler thread).</summary>
internal sealed class TenantPasses
{
    /// <summary>Passes on this model that held at least one of the tenant's sequences.</summary>
    public long Ordinal { get; set; }

    /// <summary>The scheduler's pass id the counts below belong to.</summary>
    public long LastPass { get; set; }

    /// <summary>The tenant's sequences in that pass.</summary>
    public int Sequences { get; set; }

    /// <summary>The tenant's token rows in that pass.</summary>
    public int Rows { get; set; }

    /// <summary>The evidence entry of that pass, shared by the tenant's sequences in it.</summary>
    public Evidence.BatchRun? Run { get; set; }
}
