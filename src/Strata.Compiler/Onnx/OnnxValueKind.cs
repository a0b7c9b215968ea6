// What kind of value a graph input, output or value_info declares (the TypeProto oneof).
namespace Strata.Compiler.Onnx;

/// <summary>The kind of an <see cref="OnnxValueType"/>.</summary>
public enum OnnxValueKind
{
    /// <summary>No type given.</summary>
    Unspecified = 0,
    /// <summary>A dense tensor (TypeProto.tensor_type).</summary>
    Tensor = 1,
    /// <summary>A sequence of values (TypeProto.sequence_type).</summary>
    Sequence = 4,
    /// <summary>A map (TypeProto.map_type).</summary>
    Map = 5,
    /// <summary>A sparse tensor (TypeProto.sparse_tensor_type).</summary>
    SparseTensor = 8,
    /// <summary>An optional value (TypeProto.optional_type).</summary>
    Optional = 9,
}
