// The type of an ONNX node attribute, with the values of AttributeProto.AttributeType (persisted: append only).
namespace Strata.Compiler.Onnx;

/// <summary>Which value an <see cref="OnnxAttribute"/> holds.</summary>
public enum OnnxAttributeKind
{
    /// <summary>Not set: invalid.</summary>
    Undefined = 0,
    /// <summary>One float.</summary>
    Float = 1,
    /// <summary>One 64-bit integer.</summary>
    Int = 2,
    /// <summary>One UTF-8 string.</summary>
    String = 3,
    /// <summary>One tensor.</summary>
    Tensor = 4,
    /// <summary>One subgraph.</summary>
    Graph = 5,
    /// <summary>A list of floats.</summary>
    Floats = 6,
    /// <summary>A list of 64-bit integers.</summary>
    Ints = 7,
    /// <summary>A list of strings.</summary>
    Strings = 8,
    /// <summary>A list of tensors.</summary>
    Tensors = 9,
    /// <summary>A list of subgraphs.</summary>
    Graphs = 10,
    /// <summary>One sparse tensor (its value is not read yet).</summary>
    SparseTensor = 11,
    /// <summary>A list of sparse tensors (not read yet).</summary>
    SparseTensors = 12,
    /// <summary>One type (not read yet).</summary>
    TypeProto = 13,
    /// <summary>A list of types (not read yet).</summary>
    TypeProtos = 14,
}
