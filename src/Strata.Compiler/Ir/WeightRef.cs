// A reference from the IR to a weight tensor of the model artifact, by name, with its type and matrix shape.
using Strata.Kernels;

namespace Strata.Compiler.Ir;

/// <summary>A weight used by a node: Rows × Cols elements of Type (a vector has Rows = 1).</summary>
public sealed record WeightRef(string Name, GgmlType Type, int Rows, int Cols)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name}:{Type}[{Rows}x{Cols}]";
}
