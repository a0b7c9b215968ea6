// The attribute types the ONNX operator specification (https://onnx.ai/onnx/operators/) fixes for the operators of
// BERT-class encoders: an attribute of another type is a malformed model, not a new operator. Unknown operators and
// attributes pass: the partitioner decides about them.
namespace Strata.Compiler.Onnx;

/// <summary>Expected attribute types of well-known default-domain operators.</summary>
internal static class OnnxAttributeRules
{
    private static readonly Dictionary<(string Op, string Attribute), OnnxAttributeKind> Expected = new()
    {
        [("Cast", "to")] = OnnxAttributeKind.Int,
        [("Concat", "axis")] = OnnxAttributeKind.Int,
        [("Constant", "value")] = OnnxAttributeKind.Tensor,
        [("Constant", "value_float")] = OnnxAttributeKind.Float,
        [("Constant", "value_floats")] = OnnxAttributeKind.Floats,
        [("Constant", "value_int")] = OnnxAttributeKind.Int,
        [("Constant", "value_ints")] = OnnxAttributeKind.Ints,
        [("ConstantOfShape", "value")] = OnnxAttributeKind.Tensor,
        [("Flatten", "axis")] = OnnxAttributeKind.Int,
        [("Gather", "axis")] = OnnxAttributeKind.Int,
        [("Gemm", "alpha")] = OnnxAttributeKind.Float,
        [("Gemm", "beta")] = OnnxAttributeKind.Float,
        [("Gemm", "transA")] = OnnxAttributeKind.Int,
        [("Gemm", "transB")] = OnnxAttributeKind.Int,
        [("LayerNormalization", "axis")] = OnnxAttributeKind.Int,
        [("LayerNormalization", "epsilon")] = OnnxAttributeKind.Float,
        [("ReduceMean", "axes")] = OnnxAttributeKind.Ints,
        [("ReduceMean", "keepdims")] = OnnxAttributeKind.Int,
        [("Softmax", "axis")] = OnnxAttributeKind.Int,
        [("Split", "axis")] = OnnxAttributeKind.Int,
        [("Squeeze", "axes")] = OnnxAttributeKind.Ints,
        [("Transpose", "perm")] = OnnxAttributeKind.Ints,
        [("Unsqueeze", "axes")] = OnnxAttributeKind.Ints,
    };

    /// <summary>The type the specification gives <paramref name="attribute"/> of <paramref name="op"/>, if this table knows it.</summary>
    public static bool TryExpected(string domain, string op, string attribute, out OnnxAttributeKind kind)
    {
        kind = OnnxAttributeKind.Undefined;
        return (domain.Length == 0 || domain == "ai.onnx") && Expected.TryGetValue((op, attribute), out kind);
    }
}
