// Where a server keeps request evidence beyond its own memory (a cluster's shared store), so any node can read it later.
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>
/// A durable place for request evidence, registered by a layer above (the cluster's PostgreSQL archive) in
/// <see cref="ServerExtension.Services"/>; absent on a single server, which keeps its last records in memory only. The
/// server saves every finished request's record here (without waiting) and looks a trace id up here when its memory
/// does not have it; records hold no prompt or output text, and are read back for their tenant only.
/// </summary>
public interface IEvidenceArchive
{
    /// <summary>Queues the record for <paramref name="tenant"/>; never blocks the request.</summary>
    void Save(string tenant, EvidenceRecord record);

    /// <summary>The record of <paramref name="traceId"/> when it belongs to <paramref name="tenant"/>, else null.</summary>
    Task<EvidenceRecord?> FindAsync(string traceId, string tenant, CancellationToken cancellation);
}
