// Each tenant's view of one model's forward passes, for evidence that tells a tenant only its own facts.
using Strata.Engine.Batching;

namespace Strata.Serving;

/// <summary>
/// Numbers the passes of one model per tenant and appends each pass to the evidence of the tenant's sequences in it: the
/// tenant's pass number on this model and its own sequences and token rows in that pass; the server-wide pass number and
/// other tenants' sequences stay out. Owned by the model's loop thread.
/// </summary>
internal sealed class TenantPassLedger
{
    /// <summary>Most pass entries one request's evidence keeps.</summary>
    public const int MaxEntries = 4096;

    private readonly Dictionary<Tenant, TenantPasses> _passes = [];

    /// <summary>Records pass <paramref name="id"/> (the loop's number) that ran <paramref name="plan"/>.</summary>
    public void Record(ScheduledBatch plan, long id)
    {
        foreach (var chunk in plan.Chunks)
        {
            Count(((ServingSequence)chunk.Sequence).Request.Tenant, id, chunk.To - chunk.From);
        }

        foreach (var chunk in plan.Chunks)
        {
            var s = (ServingSequence)chunk.Sequence;
            var passes = _passes[s.Request.Tenant];
            passes.Run ??= new Evidence.BatchRun(passes.Ordinal, passes.Sequences, passes.Rows);
            if (s.Batches.Count < MaxEntries)
            {
                s.Batches.Add(passes.Run);
            }
        }
    }

    private void Count(Tenant tenant, long id, int rows)
    {
        if (!_passes.TryGetValue(tenant, out var passes))
        {
            passes = new TenantPasses();
            _passes.Add(tenant, passes);
        }

        if (passes.LastPass != id)
        {
            passes.LastPass = id;
            passes.Ordinal++;
            passes.Sequences = 0;
            passes.Rows = 0;
            passes.Run = null;
        }

        passes.Sequences++;
        passes.Rows += rows;
    }
}
