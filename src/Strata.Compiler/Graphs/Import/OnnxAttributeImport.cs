// ONNX attribute → graph attribute; kinds Strata does not interpret keep their serialized AttributeProto for a foreign runtime.
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Graphs.Import;

/// <summary>Converts one attribute.</summary>
internal static class OnnxAttributeImport
{
    public static AttributeValue Convert(OnnxAttribute a) => a.Kind switch
    {
        OnnxAttributeKind.Int => AttributeValue.Of(a.Int),
        OnnxAttributeKind.Float => AttributeValue.Of(a.Float),
        OnnxAttributeKind.String => AttributeValue.Of(a.String),
        OnnxAttributeKind.Ints => AttributeValue.Of([.. a.Ints]),
        OnnxAttributeKind.Floats => AttributeValue.Of([.. a.Floats]),
        OnnxAttributeKind.Strings => new AttributeValue(AttributeKind.Strings) { Strings = [.. a.Strings] },
        OnnxAttributeKind.Tensor when a.Tensor is { DataType: not OnnxDataType.String } t && OnnxValueTable.DTypeOf(t.DataType) != DType.Unknown =>
            new AttributeValue(AttributeKind.Tensor) { Tensor = TensorData.Copy(OnnxValueTable.DTypeOf(t.DataType), [.. t.Dims], t.Bytes) },
        _ => new AttributeValue(AttributeKind.Foreign) { Raw = a.Raw },
    };
}
