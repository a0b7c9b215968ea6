// The declared type of an ONNX value: a tensor's element type and shape, or a sequence/map/optional of another type.
using System.Text;

namespace Strata.Compiler.Onnx;

/// <summary>A value's type (TypeProto).</summary>
/// <param name="Kind">tensor, sequence, map, optional, sparse tensor, or unspecified</param>
/// <param name="ElementType">the element type of a (sparse) tensor, or a map's key type; else Undefined</param>
/// <param name="Shape">a (sparse) tensor's dimensions; null when the rank is unknown (no shape given)</param>
/// <param name="Element">the element type of a sequence or optional, or a map's value type; else null</param>
public sealed record OnnxValueType(OnnxValueKind Kind, OnnxDataType ElementType, IReadOnlyList<OnnxDimension>? Shape, OnnxValueType? Element)
{
    /// <summary>No type given.</summary>
    public static OnnxValueType Unspecified { get; } = new(OnnxValueKind.Unspecified, OnnxDataType.Undefined, null, null);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        OnnxValueKind.Tensor or OnnxValueKind.SparseTensor => $"{(Kind == OnnxValueKind.SparseTensor ? "sparse " : string.Empty)}{ElementType}{ShapeText()}",
        OnnxValueKind.Sequence => $"sequence<{Element}>",
        OnnxValueKind.Map => $"map<{ElementType}, {Element}>",
        OnnxValueKind.Optional => $"optional<{Element}>",
        _ => "?",
    };

    private string ShapeText()
    {
        if (Shape is null)
        {
            return "[?]";
        }

        var text = new StringBuilder("[");
        for (int i = 0; i < Shape.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(Shape[i]);
        }

        return text.Append(']').ToString();
    }
}
