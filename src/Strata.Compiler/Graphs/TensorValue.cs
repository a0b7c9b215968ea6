// A value of a graph: what one node output (or a graph input, or a constant) holds, with its element type and shape.
namespace Strata.Compiler.Graphs;

/// <summary>An immutable graph value. Identity is <see cref="Id"/>: a pass that learns a shape replaces the value by one with the same id.</summary>
/// <param name="Id">unique within its graph</param>
/// <param name="Name">the name in the source model (an ONNX value name), for logs and errors</param>
/// <param name="Type">element type</param>
/// <param name="Shape">shape; null while the rank is not known</param>
public sealed record TensorValue(int Id, string Name, DType Type, TensorShape? Shape)
{
    /// <summary>The same value with another shape (and type).</summary>
    public TensorValue With(DType type, TensorShape? shape) => this with { Type = type, Shape = shape };

    /// <inheritdoc/>
    public override string ToString() => $"%{Id}:{Type.Text()}{Shape?.ToString() ?? "[?]"}";
}
