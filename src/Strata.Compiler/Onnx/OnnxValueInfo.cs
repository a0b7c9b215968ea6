// A named, typed value of an ONNX graph: a graph input, a graph output, or a value_info annotation.
namespace Strata.Compiler.Onnx;

/// <summary>A graph input, output or value_info entry (ValueInfoProto).</summary>
/// <param name="Name">the value's name, as node inputs and outputs refer to it</param>
/// <param name="Type">its declared type</param>
public sealed record OnnxValueInfo(string Name, OnnxValueType Type)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Type}";
}
