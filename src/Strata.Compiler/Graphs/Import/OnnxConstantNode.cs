// The value of an ONNX Constant node (value, value_float(s), value_int(s)), as pinned constant data.
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Graphs.Import;

/// <summary>Reads a Constant node's one value attribute.</summary>
internal static class OnnxConstantNode
{
    /// <summary>The node's value; false for forms Strata does not hold (strings, sparse tensors), which stay nodes.</summary>
    public static bool TryRead(OnnxNode node, out TensorData data)
    {
        data = null!;
        if (node.Attributes.Count != 1 || node.Outputs.Count != 1)
        {
            return false;
        }

        var a = node.Attributes[0];
        switch (a.Name, a.Kind)
        {
            case ("value", OnnxAttributeKind.Tensor) when a.Tensor is { DataType: not OnnxDataType.String } t && OnnxValueTable.DTypeOf(t.DataType) != DType.Unknown:
                data = TensorData.Copy(OnnxValueTable.DTypeOf(t.DataType), [.. t.Dims], t.Bytes);
                return true;
            case ("value_float", OnnxAttributeKind.Float):
                data = TensorData.FromFloats([], [a.Float]);
                return true;
            case ("value_floats", OnnxAttributeKind.Floats):
                data = TensorData.FromFloats([a.Floats.Count], [.. a.Floats]);
                return true;
            case ("value_int", OnnxAttributeKind.Int):
                data = TensorData.FromInt64s([], [a.Int]);
                return true;
            case ("value_ints", OnnxAttributeKind.Ints):
                data = TensorData.FromInt64s([a.Ints.Count], [.. a.Ints]);
                return true;
            default:
                return false;
        }
    }
}
