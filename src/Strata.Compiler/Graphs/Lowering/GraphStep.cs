// One step of a graph executable: a node and the kernel family that runs it, or a whole foreign partition.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>A kernel call of a <see cref="GraphExecutable"/>.</summary>
/// <param name="Kind">kernel family</param>
/// <param name="Node">the node it runs (for a foreign step, the partition's first node)</param>
/// <param name="Partition">index of the foreign partition a <see cref="StepKind.Foreign"/> step runs; -1 otherwise</param>
/// <param name="Reads">values it reads (constants excluded), for the memory planner</param>
/// <param name="Writes">values it writes</param>
public sealed record GraphStep(StepKind Kind, OpNode Node, int Partition, IReadOnlyList<TensorValue> Reads, IReadOnlyList<TensorValue> Writes)
{
    /// <inheritdoc/>
    public override string ToString() => Kind == StepKind.Foreign ? $"foreign partition {Partition}" : $"{Kind}: {Node}";
}
