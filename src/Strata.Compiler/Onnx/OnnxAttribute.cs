// A node attribute of an ONNX model: its name, its kind, and the one value of that kind.
namespace Strata.Compiler.Onnx;

/// <summary>
/// A node attribute (AttributeProto). Exactly the member that <see cref="Kind"/> names carries the value; the others keep
/// their defaults. Sparse tensors and type protos are recognised by kind but their values are not read yet.
/// </summary>
/// <param name="Name">attribute name, e.g. "axis"</param>
/// <param name="Kind">which value it holds</param>
public sealed record OnnxAttribute(string Name, OnnxAttributeKind Kind)
{
    /// <summary>The value of an <see cref="OnnxAttributeKind.Int"/> attribute.</summary>
    public long Int { get; init; }

    /// <summary>The value of an <see cref="OnnxAttributeKind.Float"/> attribute.</summary>
    public float Float { get; init; }

    /// <summary>The value of a <see cref="OnnxAttributeKind.String"/> attribute (UTF-8 decoded).</summary>
    public string String { get; init; } = string.Empty;

    /// <summary>The value of an <see cref="OnnxAttributeKind.Ints"/> attribute.</summary>
    public IReadOnlyList<long> Ints { get; init; } = [];

    /// <summary>The value of an <see cref="OnnxAttributeKind.Floats"/> attribute.</summary>
    public IReadOnlyList<float> Floats { get; init; } = [];

    /// <summary>The value of a <see cref="OnnxAttributeKind.Strings"/> attribute.</summary>
    public IReadOnlyList<string> Strings { get; init; } = [];

    /// <summary>The value of a <see cref="OnnxAttributeKind.Tensor"/> attribute.</summary>
    public OnnxTensor? Tensor { get; init; }

    /// <summary>The value of a <see cref="OnnxAttributeKind.Tensors"/> attribute.</summary>
    public IReadOnlyList<OnnxTensor> Tensors { get; init; } = [];

    /// <summary>The value of a <see cref="OnnxAttributeKind.Graph"/> attribute (a subgraph, e.g. If's then_branch).</summary>
    public OnnxGraph? Graph { get; init; }

    /// <summary>The value of a <see cref="OnnxAttributeKind.Graphs"/> attribute.</summary>
    public IReadOnlyList<OnnxGraph> Graphs { get; init; } = [];

    /// <summary>
    /// The serialized AttributeProto of kinds Strata does not interpret (graphs, tensor lists, sparse tensors, types), so a
    /// foreign runtime can be handed them unchanged; empty for the other kinds.
    /// </summary>
    internal ReadOnlyMemory<byte> Raw { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        OnnxAttributeKind.Int => $"{Name}={Int}",
        OnnxAttributeKind.Float => $"{Name}={Float}",
        OnnxAttributeKind.String => $"{Name}='{String}'",
        OnnxAttributeKind.Ints => $"{Name}=[{string.Join(", ", Ints)}]",
        OnnxAttributeKind.Floats => $"{Name}=[{string.Join(", ", Floats)}]",
        OnnxAttributeKind.Strings => $"{Name}=[{string.Join(", ", Strings)}]",
        OnnxAttributeKind.Tensor => $"{Name}={Tensor}",
        _ => $"{Name}:{Kind}",
    };
}
