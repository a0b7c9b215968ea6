// One dimension of a declared ONNX shape: a fixed size, a symbolic name ("batch"), or unknown.
namespace Strata.Compiler.Onnx;

/// <summary>A dimension of a graph input's or output's shape (TensorShapeProto.Dimension).</summary>
/// <param name="Value">the fixed size (dim_value), or null</param>
/// <param name="Param">the symbolic name (dim_param), e.g. "batch", or null</param>
public readonly record struct OnnxDimension(long? Value, string? Param)
{
    /// <summary>True when the size is neither fixed nor named.</summary>
    public bool IsUnknown => Value is null && Param is null;

    /// <inheritdoc/>
    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}
