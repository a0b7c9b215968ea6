// The compiler's plan for consecutive matrix products over one input (Q/K/V, gate/up): which row counts run them as one job.
using Strata.Kernels;

namespace Strata.Compiler.Lowering;

/// <summary>
/// Steps <see cref="First"/> … <see cref="First"/> + <see cref="Count"/> − 1 are matrix products of one kind over the same
/// input rows, weight type and width. For the row counts of a <see cref="Joint"/> bucket they run as one pool job with its
/// kernel (the input prepared once, the parts of every matrix sharing the threads); other row counts run step by step,
/// each with its own <see cref="StepKernels"/>.
/// </summary>
/// <param name="First">index of the first step in <see cref="Executable.Steps"/></param>
/// <param name="Count">steps in the group (2 or 3)</param>
/// <param name="Weights">the weights' names, in step order</param>
/// <param name="Joint">row-count ranges run as one job, each with the kernel every member takes there; may be empty</param>
public sealed record StepGroup(int First, int Count, IReadOnlyList<string> Weights, IReadOnlyList<KernelBucket> Joint)
{
    /// <summary>"[q, k, v] rows 1: Q8MatVec512; rows 2–64: Q8Tile", or "… never joint".</summary>
    public string Describe() =>
        $"[{string.Join(", ", Weights)}] " + (Joint.Count == 0 ? "never joint" : string.Join("; ", Joint) + " joint");
}
