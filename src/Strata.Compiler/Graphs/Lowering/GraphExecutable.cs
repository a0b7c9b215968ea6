// A compiled graph: steps over one planned arena, the foreign partitions loaded for the nodes Strata has no kernel for,
// the kernel each step family runs, the compile log, and a content hash over all of it.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>
/// What the engine's graph runner runs. Steps execute in order over an arena of <see cref="GraphMemoryPlan.ArenaBytes"/> that holds any run
/// within <see cref="GraphCompileOptions.Bounds"/>; constants are read where they lie (the mapped model file or pinned copies).
/// </summary>
/// <param name="Graph">the optimised graph</param>
/// <param name="Steps">kernel calls in order</param>
/// <param name="Plan">the arena plan</param>
/// <param name="Partitions">foreign partitions, by index, with the runtime's loaded form (null when no runtime was given)</param>
/// <param name="KernelChoices">step family → kernel description, for the log and evidence</param>
/// <param name="ContentHash">sha256 over the graph text, the weights' identity, the kernels, the ISA, the bounds and the foreign runtime</param>
/// <param name="Log">what each pass did</param>
/// <param name="Options">the options it was compiled with</param>
public sealed record GraphExecutable(
    OpGraph Graph,
    IReadOnlyList<GraphStep> Steps,
    GraphMemoryPlan Plan,
    IReadOnlyList<(ForeignPartition Partition, IForeignPartition? Loaded)> Partitions,
    IReadOnlyDictionary<string, string> KernelChoices,
    string ContentHash,
    CompileLog Log,
    GraphCompileOptions Options) : IDisposable
{
    /// <summary>Number of nodes a foreign runtime runs.</summary>
    public int ForeignNodeCount
    {
        get
        {
            int count = 0;
            foreach (var (partition, _) in Partitions)
            {
                count += partition.NodeCount;
            }

            return count;
        }
    }

    /// <summary>What the constants' bytes lie in (the opened model or the mapped cache entry): disposed with the executable.</summary>
    public IReadOnlyList<IDisposable> Resources { get; init; } = [];

    /// <summary>True when the optimised graph was read from the on-disk cache rather than compiled.</summary>
    public bool FromCache { get; init; }

    /// <summary>Releases the loaded partitions and the mappings the constants lie in.</summary>
    public void Dispose()
    {
        foreach (var (_, loaded) in Partitions)
        {
            loaded?.Dispose();
        }

        foreach (var resource in Resources)
        {
            resource.Dispose();
        }
    }
}
