// One served model's load and cache at a moment: what a router weighs and a status page shows.
namespace Strata.Serving;

/// <summary>A served model's load and prefix-cache state.</summary>
/// <param name="Name">the served name (with its version, as in <c>smol@v2</c>, when it has one)</param>
/// <param name="FileSha256">the model file's SHA-256</param>
/// <param name="Running">sequences running</param>
/// <param name="Waiting">sequences waiting for a slot</param>
/// <param name="MaxRunning">running slots</param>
/// <param name="UsedBlocks">KV blocks in use</param>
/// <param name="TotalBlocks">KV blocks in the pool</param>
/// <param name="LookupBlocks">prompt blocks looked up in the prefix cache so far</param>
/// <param name="HitBlocks">of those, found cached</param>
public sealed record ModelLoad(string Name, string FileSha256, int Running, int Waiting, int MaxRunning, int UsedBlocks, int TotalBlocks,
    long LookupBlocks, long HitBlocks);
