// Writes a partition's nodes back out as an ONNX model (ModelProto bytes) that a foreign runtime can load on its own.
using Google.Protobuf;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Compiler.Graphs.Lowering;

/// <summary>Serializes nodes of an <see cref="OpGraph"/> as a standalone ONNX model. Values are named "v{id}".</summary>
internal static class PartitionModelWriter
{
    /// <summary>The model of <paramref name="nodes"/>, reading <paramref name="inputs"/> and the graph's constants, producing <paramref name="outputs"/>.</summary>
    public static byte[] Write(OpGraph graph, IReadOnlyList<OpNode> nodes, IReadOnlyList<TensorValue> inputs, IReadOnlyList<TensorValue> outputs, string name)
    {
        var proto = new GraphProto { Name = name };
        var written = new HashSet<int>();
        foreach (var node in nodes)
        {
            var n = new NodeProto { Name = node.Name, OpType = node.Op, Domain = node.Domain };
            foreach (var input in node.Inputs)
            {
                n.Input.Add(input is null ? string.Empty : ValueName(input));
                if (input is not null && graph.TryGetConstant(input, out var data) && written.Add(input.Id))
                {
                    proto.Initializer.Add(Tensor(ValueName(input), data));
                }
            }

            foreach (var output in node.Outputs)
            {
                n.Output.Add(ValueName(output));
            }

            foreach (var (attributeName, value) in node.Attributes.Values)
            {
                n.Attribute.Add(Attribute(attributeName, value));
            }

            proto.Node.Add(n);
        }

        foreach (var v in inputs)
        {
            proto.Input.Add(ValueInfo(v));
        }

        foreach (var v in outputs)
        {
            proto.Output.Add(ValueInfo(v));
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "strata", Graph = proto };
        foreach (var (domain, version) in graph.Opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }

        return model.ToByteArray();
    }

    /// <summary>The name a value has in partition models.</summary>
    public static string ValueName(TensorValue value) => $"v{value.Id}";

    // A value of unknown element type is written by name alone: the runtime infers its type (ONNX rejects element type 0).
    private static ValueInfoProto ValueInfo(TensorValue value)
    {
        if (value.Type == DType.Unknown)
        {
            return new ValueInfoProto { Name = ValueName(value) };
        }

        var tensor = new TypeProto.Types.Tensor { ElemType = (int)value.Type };
        if (value.Shape is { } shape)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in shape.Dims)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.IsKnown)
                {
                    dim.DimValue = d.Factor;
                }
                else if (!d.IsUnknown)
                {
                    dim.DimParam = d.ToString();
                }

                tensor.Shape.Dim.Add(dim);
            }
        }

        return new ValueInfoProto { Name = ValueName(value), Type = new TypeProto { TensorType = tensor } };
    }

    private static TensorProto Tensor(string name, TensorData data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)data.Type, RawData = ByteString.CopyFrom(data.Bytes) };
        foreach (long d in data.Dims)
        {
            tensor.Dims.Add(d);
        }

        return tensor;
    }

    private static AttributeProto Attribute(string name, AttributeValue value)
    {
        switch (value.Kind)
        {
            case AttributeKind.Foreign:
                var raw = AttributeProto.Parser.ParseFrom(value.Raw.Span);
                raw.Name = name;
                return raw;
            case AttributeKind.Int:
                return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value.Int };
            case AttributeKind.Float:
                return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value.Float };
            case AttributeKind.String:
                return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value.String) };
            case AttributeKind.Tensor:
                return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = Tensor(name, value.Tensor!) };
            case AttributeKind.Ints:
                var ints = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
                ints.Ints.AddRange(value.Ints);
                return ints;
            case AttributeKind.Floats:
                var floats = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
                floats.Floats.AddRange(value.Floats);
                return floats;
            default:
                var strings = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
                foreach (string s in value.Strings)
                {
                    strings.Strings.Add(ByteString.CopyFromUtf8(s));
                }

                return strings;
        }
    }
}
