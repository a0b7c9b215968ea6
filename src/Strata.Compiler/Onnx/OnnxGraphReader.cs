// Turns a parsed GraphProto (and its subgraphs, to a depth limit) into OnnxGraph records, checking each node, attribute
// and value type on the way; the name rules across the graph are OnnxGraphValidator's.
using Google.Protobuf;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Compiler.Onnx;

/// <summary>Reads graphs, nodes, attributes and value types.</summary>
internal sealed class OnnxGraphReader(string source, OnnxTensorReader tensors)
{
    /// <summary>Most nested subgraphs (If/Loop/Scan bodies inside each other) a model may have.</summary>
    public const int MaxSubgraphDepth = 16;

    /// <summary>Most nested sequence/map/optional types a value type may have.</summary>
    private const int MaxTypeDepth = 16;

    /// <summary>Reads <paramref name="proto"/>; <paramref name="rawData"/> gives the initializers' raw_data ranges (main graph only).</summary>
    public OnnxGraph Read(GraphProto proto, string path, int depth, IReadOnlyList<OnnxByteRange?> rawData)
    {
        if (depth > MaxSubgraphDepth)
        {
            throw Error(path, $"subgraphs are nested more than {MaxSubgraphDepth} deep");
        }

        if (proto.SparseInitializer.Count > 0)
        {
            throw Error($"{path}.sparse_initializer[0] '{proto.SparseInitializer[0].Values?.Name}'", "sparse initializers are not supported yet");
        }

        var initializers = new OnnxTensor[proto.Initializer.Count];
        for (int i = 0; i < initializers.Length; i++)
        {
            initializers[i] = tensors.Read(proto.Initializer[i], $"{path}.initializer[{i}]", i < rawData.Count ? rawData[i] : null);
        }

        var nodes = new OnnxNode[proto.Node.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            nodes[i] = Node(proto.Node[i], $"{path}.node[{i}]", depth);
        }

        return new OnnxGraph(proto.Name, Values(proto.Input, $"{path}.input"), Values(proto.Output, $"{path}.output"), nodes, initializers,
            Values(proto.ValueInfo, $"{path}.value_info"));
    }

    private OnnxNode Node(NodeProto proto, string element, int depth)
    {
        string where = $"{element} ({proto.OpType} '{proto.Name}')";
        if (proto.OpType.Length == 0)
        {
            throw Error(where, "op_type is empty");
        }

        var attributes = new OnnxAttribute[proto.Attribute.Count];
        for (int i = 0; i < attributes.Length; i++)
        {
            attributes[i] = Attribute(proto.Attribute[i], proto, where, depth);
            for (int j = 0; j < i; j++)
            {
                if (attributes[j].Name == attributes[i].Name)
                {
                    throw Error(where, $"attribute '{attributes[i].Name}' is given twice (attribute[{j}] and attribute[{i}])");
                }
            }
        }

        return new OnnxNode(proto.Name, proto.OpType, proto.Domain, [.. proto.Input], [.. proto.Output], attributes);
    }

    private OnnxAttribute Attribute(AttributeProto proto, NodeProto node, string nodeWhere, int depth)
    {
        string where = $"{nodeWhere}.attribute '{proto.Name}'";
        if (proto.Name.Length == 0)
        {
            throw Error(nodeWhere, "has an attribute without a name");
        }

        if (proto.RefAttrName.Length > 0)
        {
            throw Error(where, $"refers to function attribute '{proto.RefAttrName}', which only a function body may do");
        }

        var kind = (OnnxAttributeKind)(int)proto.Type;
        if (kind == OnnxAttributeKind.Undefined || !Enum.IsDefined(kind))
        {
            throw Error(where, proto.HasType && kind != OnnxAttributeKind.Undefined ? $"type {(int)proto.Type} is not an attribute type (1 to 14)"
                : "type is missing (required since ONNX IR version 2)");
        }

        OnnxAttributeKind? present = PresentKind(proto, where);
        bool isList = kind is OnnxAttributeKind.Floats or OnnxAttributeKind.Ints or OnnxAttributeKind.Strings or OnnxAttributeKind.Tensors
            or OnnxAttributeKind.Graphs or OnnxAttributeKind.SparseTensors or OnnxAttributeKind.TypeProtos;
        if (present is { } p ? p != kind : !isList)
        {
            throw Error(where, $"declares type {kind} but holds {(present is null ? "no value" : present.ToString())}");
        }

        if (OnnxAttributeRules.TryExpected(node.Domain, node.OpType, proto.Name, out var expected) && expected != kind)
        {
            throw Error(where, $"{node.OpType}'s '{proto.Name}' must be {expected}, is {kind}");
        }

        var value = Value(proto, kind, where, depth);
        bool foreign = kind is OnnxAttributeKind.Graph or OnnxAttributeKind.Graphs or OnnxAttributeKind.Tensors or OnnxAttributeKind.SparseTensor
            or OnnxAttributeKind.SparseTensors or OnnxAttributeKind.TypeProto or OnnxAttributeKind.TypeProtos
            || (kind == OnnxAttributeKind.Tensor && proto.T.DataType == (int)OnnxDataType.String);
        return foreign ? value with { Raw = proto.ToByteArray() } : value;
    }

    private OnnxAttribute Value(AttributeProto proto, OnnxAttributeKind kind, string where, int depth) => kind switch
    {
        OnnxAttributeKind.Float => new OnnxAttribute(proto.Name, kind) { Float = proto.F },
        OnnxAttributeKind.Int => new OnnxAttribute(proto.Name, kind) { Int = proto.I },
        OnnxAttributeKind.String => new OnnxAttribute(proto.Name, kind) { String = OnnxTensorReader.Utf8(proto.S) },
        OnnxAttributeKind.Floats => new OnnxAttribute(proto.Name, kind) { Floats = [.. proto.Floats] },
        OnnxAttributeKind.Ints => new OnnxAttribute(proto.Name, kind) { Ints = [.. proto.Ints] },
        OnnxAttributeKind.Strings => new OnnxAttribute(proto.Name, kind) { Strings = [.. proto.Strings.Select(OnnxTensorReader.Utf8)] },
        OnnxAttributeKind.Tensor => new OnnxAttribute(proto.Name, kind) { Tensor = tensors.Read(proto.T, $"{where}.t", null) },
        OnnxAttributeKind.Tensors => new OnnxAttribute(proto.Name, kind)
        {
            Tensors = [.. proto.Tensors.Select((t, i) => tensors.Read(t, $"{where}.tensors[{i}]", null))],
        },
        OnnxAttributeKind.Graph => new OnnxAttribute(proto.Name, kind) { Graph = Read(proto.G, $"{where}.g", depth + 1, []) },
        OnnxAttributeKind.Graphs => new OnnxAttribute(proto.Name, kind)
        {
            Graphs = [.. proto.Graphs.Select((g, i) => Read(g, $"{where}.graphs[{i}]", depth + 1, []))],
        },
        _ => new OnnxAttribute(proto.Name, kind),
    };

    // The one value field that is set, or null when none is; two set is an error (onnx.proto: exactly one).
    private OnnxAttributeKind? PresentKind(AttributeProto p, string where)
    {
        OnnxAttributeKind? found = null;
        void Saw(bool present, OnnxAttributeKind kind)
        {
            if (present && found is not null)
            {
                throw Error(where, $"holds values of two kinds, {found} and {kind}; an attribute holds exactly one");
            }

            found = present ? kind : found;
        }

        Saw(p.HasF, OnnxAttributeKind.Float);
        Saw(p.HasI, OnnxAttributeKind.Int);
        Saw(p.HasS, OnnxAttributeKind.String);
        Saw(p.T is not null, OnnxAttributeKind.Tensor);
        Saw(p.G is not null, OnnxAttributeKind.Graph);
        Saw(p.SparseTensor is not null, OnnxAttributeKind.SparseTensor);
        Saw(p.Tp is not null, OnnxAttributeKind.TypeProto);
        Saw(p.Floats.Count > 0, OnnxAttributeKind.Floats);
        Saw(p.Ints.Count > 0, OnnxAttributeKind.Ints);
        Saw(p.Strings.Count > 0, OnnxAttributeKind.Strings);
        Saw(p.Tensors.Count > 0, OnnxAttributeKind.Tensors);
        Saw(p.Graphs.Count > 0, OnnxAttributeKind.Graphs);
        Saw(p.SparseTensors.Count > 0, OnnxAttributeKind.SparseTensors);
        Saw(p.TypeProtos.Count > 0, OnnxAttributeKind.TypeProtos);
        return found;
    }

    private OnnxValueInfo[] Values(Google.Protobuf.Collections.RepeatedField<ValueInfoProto> protos, string path)
    {
        var values = new OnnxValueInfo[protos.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string where = $"{path}[{i}] '{protos[i].Name}'";
            if (protos[i].Name.Length == 0)
            {
                throw Error(where, "has no name");
            }

            values[i] = new OnnxValueInfo(protos[i].Name, protos[i].Type is null ? OnnxValueType.Unspecified : Type(protos[i].Type, where, 0));
        }

        return values;
    }

    private OnnxValueType Type(TypeProto proto, string where, int depth)
    {
        if (depth > MaxTypeDepth)
        {
            throw Error(where, $"its type nests sequences, maps or optionals more than {MaxTypeDepth} deep");
        }

        OnnxValueType? Inner(TypeProto? t) => t is null ? null : Type(t, where, depth + 1);
        return proto.ValueCase switch
        {
            TypeProto.ValueOneofCase.TensorType => new OnnxValueType(OnnxValueKind.Tensor, ElementType(proto.TensorType.ElemType, where),
                Shape(proto.TensorType.Shape, where), null),
            TypeProto.ValueOneofCase.SparseTensorType => new OnnxValueType(OnnxValueKind.SparseTensor,
                ElementType(proto.SparseTensorType.ElemType, where), Shape(proto.SparseTensorType.Shape, where), null),
            TypeProto.ValueOneofCase.SequenceType => new OnnxValueType(OnnxValueKind.Sequence, OnnxDataType.Undefined, null, Inner(proto.SequenceType.ElemType)),
            TypeProto.ValueOneofCase.OptionalType => new OnnxValueType(OnnxValueKind.Optional, OnnxDataType.Undefined, null, Inner(proto.OptionalType.ElemType)),
            TypeProto.ValueOneofCase.MapType => new OnnxValueType(OnnxValueKind.Map, ElementType(proto.MapType.KeyType, where), null, Inner(proto.MapType.ValueType)),
            _ => OnnxValueType.Unspecified,
        };
    }

    // 0 (not set) is allowed in a declared type: ONNX lets a value's element type be unknown until inference.
    private OnnxDataType ElementType(int value, string where) =>
        value == 0 || OnnxDataTypes.IsKnown(value) ? (OnnxDataType)value
            : throw Error(where, $"elem_type {value} is not an ONNX element type (1 to {(int)OnnxDataType.Float8E8M0})");

    private OnnxDimension[]? Shape(TensorShapeProto? shape, string where)
    {
        if (shape is null)
        {
            return null;
        }

        var dims = new OnnxDimension[shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = shape.Dim[i];
            if (d.HasDimValue && d.DimValue < 0)
            {
                throw Error(where, $"shape dim[{i}] is {d.DimValue}; dimensions must be non-negative");
            }

            dims[i] = new OnnxDimension(d.HasDimValue ? d.DimValue : null, d.HasDimParam && d.DimParam.Length > 0 ? d.DimParam : null);
        }

        return dims;
    }

    private OnnxFormatException Error(string where, string problem) => new(source, where, problem);
}
