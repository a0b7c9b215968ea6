// A reference from the IR to a weight tensor of the model artifact, by name, with its type and matrix shape.
using Strata.Kernels;

namespace Strata.Compiler.Ir;

/// <summary>A weight used by a node: Rows × Cols elements of Type (a vector has Rows = 1).</summary>
public sealed record WeightRef(string Name, GgmlType Type, int Rows, int Cols)
{
    /// <summary>Matrices of [Rows, Cols] stacked in the tensor (one per expert of an ExpertMatMul); 1 for a plain matrix.</summary>
    public int Slices { get; init; } = 1;

    /// <inheritdoc/>
    public override string ToString() => Slices == 1 ? $"{Name}:{Type}[{Rows}x{Cols}]" : $"{Name}:{Type}[{Slices}x{Rows}x{Cols}]";
}
