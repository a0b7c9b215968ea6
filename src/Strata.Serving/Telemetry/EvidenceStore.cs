// Evidence records of finished requests, kept in memory by trace id for their tenant (oldest dropped first).
using System.Collections.Concurrent;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>A bounded, thread-safe map from trace id to (tenant, record).</summary>
internal sealed class EvidenceStore(int capacity)
{
    private readonly ConcurrentDictionary<string, (string Tenant, EvidenceRecord Record)> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(string tenant, EvidenceRecord record)
    {
        string id = record.TraceId.Value;
        if (_records.TryAdd(id, (tenant, record)))
        {
            _order.Enqueue(id);
            while (_records.Count > capacity && _order.TryDequeue(out var old))
            {
                _records.TryRemove(old, out _);
            }
        }
    }

    /// <summary>The record, only when it belongs to <paramref name="tenant"/>.</summary>
    public EvidenceRecord? Find(string traceId, string tenant) =>
        _records.TryGetValue(traceId, out var entry) && entry.Tenant == tenant ? entry.Record : null;
}
