// One row-count range of a matrix-product step and the kernel that runs it there.
using Strata.Kernels;

namespace Strata.Compiler.Lowering;

/// <summary>Rows <see cref="MinRows"/> to <see cref="MaxRows"/> (inclusive) of a step run <see cref="Kernel"/>.</summary>
/// <param name="MinRows">fewest rows of the range (≥ 1)</param>
/// <param name="MaxRows">most rows of the range (at most the step's row capacity)</param>
/// <param name="Kernel">the kernel the product takes for these row counts</param>
public sealed record KernelBucket(int MinRows, int MaxRows, MatMulKernel Kernel)
{
    /// <summary>"rows 1: Q8MatVec512", "rows 2–64: Q8Tile".</summary>
    public override string ToString() =>
        MinRows == MaxRows ? $"rows {MinRows}: {Kernel}" : $"rows {MinRows}–{MaxRows}: {Kernel}";
}
