// The settings of one simulated replica: batch limits and prefix-cache capacity.
namespace Strata.Bench.ClusterSim;

/// <summary>A simulated replica's settings.</summary>
/// <param name="MaxRunning">most sequences in the running batch (the measured decode batches go up to 8)</param>
/// <param name="ChunkTokens">most prompt tokens one step prefills (chunked prefill, as vLLM's scheduler budgets them)</param>
/// <param name="CacheBlocks">capacity of the replica's prefix KV cache, in 16-token blocks (LRU)</param>
internal sealed record ReplicaConfig(int MaxRunning = 8, int ChunkTokens = 256, int CacheBlocks = 4096)
{
    /// <summary>Tokens per KV block.</summary>
    public const int BlockTokens = 16;
}
