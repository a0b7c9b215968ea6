// The compiler's kernel plan for one matrix-product step: its weight's packing and the kernel of each row-count bucket.
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Lowering;

/// <summary>Which kernel a matrix-product step runs, by row count, and how its weight is packed at load.</summary>
/// <param name="Step">index into <see cref="Executable.Steps"/></param>
/// <param name="Op">MatMul (exact) or MatMulQuantized (8-bit activations)</param>
/// <param name="Weight">the weight tensor's name</param>
/// <param name="Type">the weight's element type</param>
/// <param name="Rows">weight rows (outputs per activation row)</param>
/// <param name="Cols">weight columns (inputs per activation row)</param>
/// <param name="Packing">the layout the runner copies the weight into at load, or null when it reads the raw rows</param>
/// <param name="Buckets">consecutive row-count ranges covering 1 … the step's row capacity, each with its kernel</param>
public sealed record StepKernels(int Step, OpKind Op, string Weight, GgmlType Type, int Rows, int Cols, Q8Layout? Packing,
    IReadOnlyList<KernelBucket> Buckets)
{
    /// <summary>The kernel for <paramref name="rows"/> rows (1 … capacity).</summary>
    /// <exception cref="ArgumentOutOfRangeException">rows is outside every bucket</exception>
    public MatMulKernel KernelFor(int rows)
    {
        foreach (var bucket in Buckets)
        {
            if (rows >= bucket.MinRows && rows <= bucket.MaxRows)
            {
                return bucket.Kernel;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(rows), rows,
            $"step {Step} ({Weight}) has buckets for 1–{Buckets[^1].MaxRows} rows");
    }

    /// <summary>The buckets as one line, with the packing: "rows 1: Q8MatVec512; rows 2–64: Q8Tile".</summary>
    public string Describe() =>
        string.Join("; ", Buckets) + (Packing is { } p ? $" (packed {p})" : "");
}
