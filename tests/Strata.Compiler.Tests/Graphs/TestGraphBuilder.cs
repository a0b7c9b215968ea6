// Builds small ONNX models with the generated protobuf types for the graph pass tests, and imports them.
using Google.Protobuf;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Onnx;
using Strata.Compiler.Onnx.Proto;
using Strata.Compiler.Tests.Onnx;

namespace Strata.Compiler.Tests.Graphs;

internal sealed class TestGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private int _nodes;

    /// <summary>A float input; dims are ints (fixed) or strings (symbols).</summary>
    public TestGraphBuilder Input(string name, params object[] dims)
    {
        _graph.Input.Add(OnnxTestModels.TensorValue(name, TensorProto.Types.DataType.Float, dims));
        return this;
    }

    public TestGraphBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name });
        return this;
    }

    public TestGraphBuilder Floats(string name, long[] dims, params float[] values)
    {
        _graph.Initializer.Add(OnnxTestModels.RawFloats(name, dims, values));
        return this;
    }

    public TestGraphBuilder Scalar(string name, float value) => Floats(name, [], value);

    public TestGraphBuilder Int64s(string name, params long[] values)
    {
        _graph.Initializer.Add(OnnxTestModels.Int64s(name, values));
        return this;
    }

    public TestGraphBuilder Int64Scalar(string name, long value)
    {
        _graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { value } });
        return this;
    }

    /// <summary>A node; attributes are (name, long | float | long[]) pairs.</summary>
    public TestGraphBuilder Node(string op, string[] inputs, string output, params (string Name, object Value)[] attributes) =>
        Node(op, "", inputs, output, attributes);

    public TestGraphBuilder Node(string op, string domain, string[] inputs, string output, params (string Name, object Value)[] attributes)
    {
        var node = OnnxTestModels.Node(op, $"n{_nodes++}", inputs, [output]);
        node.Domain = domain;
        foreach (var (name, value) in attributes)
        {
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
                _ => throw new ArgumentException($"attribute '{name}' has an unsupported value {value}", nameof(attributes)),
            });
        }

        _graph.Node.Add(node);
        return this;
    }

    public TestGraphBuilder ValueInfo(ValueInfoProto value)
    {
        _graph.ValueInfo.Add(value);
        return this;
    }

    public ModelProto Model()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "strata-test", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        if (_graph.Node.Any(n => n.Domain.Length > 0))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        }

        return model;
    }

    /// <summary>The model imported (the OnnxModel is returned too: keep it alive while the graph is used).</summary>
    public (OnnxModel Model, OpGraph Graph) Import()
    {
        var model = OnnxModel.Load(Model().ToByteArray(), "test.onnx");
        return (model, OnnxImporter.Import(model));
    }

    /// <summary>Imports and runs <paramref name="passes"/> in order.</summary>
    public OpGraph Run(CompileLog log, params Func<OpGraph, CompileLog, OpGraph>[] passes)
    {
        var (model, graph) = Import();
        using (model)
        {
            foreach (var pass in passes)
            {
                graph = pass(graph, log);
            }

            return graph;
        }
    }

    public static IEnumerable<string> Ops(OpGraph graph) => graph.Nodes.Select(n => n.Domain.Length == 0 ? n.Op : $"{n.Domain}.{n.Op}");

    public static TensorValue Value(OpGraph graph, string name) =>
        graph.Nodes.SelectMany(n => n.Outputs).Concat(graph.Inputs).Concat(graph.ConstantValues.Values).First(v => v.Name == name);
}
