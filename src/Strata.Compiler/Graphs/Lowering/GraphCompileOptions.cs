// Options of a graph compile: the largest run the arena is planned for, the weights' identity, the ISA, and whether work
// may fall back to a foreign runtime (ONNX Runtime); every one that changes the result or the plan enters the hash.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>Compile-time options of <see cref="GraphCompiler"/>.</summary>
/// <param name="Bounds">the largest value each symbol takes in one run (e.g. batch 64, sequence 512), and their product's bound</param>
/// <param name="WeightsIdentity">content identity of the model file (its sha256 or file identity)</param>
/// <param name="KernelIsa">instruction set the kernels dispatch to</param>
/// <param name="AllowFallback">
/// nodes Strata has no kernel for may run in a <see cref="ForeignRuntime"/> partition (logged and recorded); false refuses
/// the compile instead, naming the operators
/// </param>
/// <param name="Outputs">the graph outputs to compute (null = all the model's outputs)</param>
public sealed record GraphCompileOptions(CapacityBounds Bounds, string WeightsIdentity, string KernelIsa, bool AllowFallback = true,
    IReadOnlyList<string>? Outputs = null)
{
    /// <summary>The runtime that runs partitions of nodes without a Strata kernel; null = none (a compile that needs one fails).</summary>
    public IForeignRuntime? ForeignRuntime { get; init; }
}
