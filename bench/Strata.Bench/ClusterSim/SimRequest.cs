// One request of a simulated trace, as the router and the simulated replicas see it.
namespace Strata.Bench.ClusterSim;

/// <summary>A simulated request.</summary>
/// <param name="Id">index in arrival order</param>
/// <param name="ArrivalSeconds">simulated arrival time</param>
/// <param name="Tenant">tenant name (the salt of its hashes)</param>
/// <param name="PromptTokens">prompt length</param>
/// <param name="OutputTokens">tokens it generates (the first comes out of the prefill step)</param>
/// <param name="Blocks">chained hashes of every whole 16-token block of the prompt: the replica's KV-cache keys</param>
/// <param name="RouterPrefix">the first 64 of them: what <c>PrefixKey.Blocks</c> with its defaults gives the router</param>
internal sealed record SimRequest(int Id, double ArrivalSeconds, string Tenant, int PromptTokens, int OutputTokens, ulong[] Blocks, ulong[] RouterPrefix);
