// OnnxImporter on small built models: Constant node forms, copies for in-memory models, foreign operators and attributes.
using Google.Protobuf;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Onnx.Proto;
using Strata.Compiler.Tests.Onnx;

namespace Strata.Compiler.Tests.Graphs;

public sealed class OnnxImporterBuiltModelTests
{
    [Fact]
    public void Import_InMemoryModel_CopiesInitializersAndTypesInputs()
    {
        using var model = OnnxTestModels.Load(OnnxTestModels.Small());

        var graph = OnnxImporter.Import(model);

        Assert.All(graph.Constants.Values, c => Assert.False(c.IsMapped));
        Assert.Equal([1f, 2, 3, 4, 5, 6], graph.Constants[graph.ConstantValues.Single(c => c.Value.Name == "w").Key].As<float>().ToArray());
        Assert.Equal("f32[batch, 3]", $"{graph.Inputs[0].Type.Text()}{graph.Inputs[0].Shape}");
        Assert.Equal(["MatMul", "Add"], TestGraphBuilder.Ops(graph));
    }

    [Fact]
    public void Import_ConstantNodes_BecomeConstantsInEachForm()
    {
        var proto = OnnxTestModels.Small();
        var ints = OnnxTestModels.Node("Constant", "c1", [], ["ints"]);
        ints.Attribute.Add(new AttributeProto { Name = "value_ints", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 3, -1 } });
        var f = OnnxTestModels.Node("Constant", "c2", [], ["f"]);
        f.Attribute.Add(new AttributeProto { Name = "value_float", Type = AttributeProto.Types.AttributeType.Float, F = 0.25f });
        proto.Graph.Node.Insert(0, ints);
        proto.Graph.Node.Insert(0, f);
        using var model = OnnxTestModels.Load(proto);

        var graph = OnnxImporter.Import(model);

        Assert.Equal(["MatMul", "Add"], TestGraphBuilder.Ops(graph));
        var byName = graph.ConstantValues.Values.ToDictionary(v => v.Name, v => graph.Constants[v.Id]);
        Assert.Equal([3L, -1], byName["ints"].As<long>().ToArray());
        Assert.Equal(("f32[]", 0.25f), (byName["f"].ToString(), byName["f"].As<float>()[0]));
    }

    [Fact]
    public void Import_ForeignOperatorWithSubgraph_IsKeptWithTheSerializedAttribute()
    {
        var proto = OnnxTestModels.Small();
        var body = new GraphProto { Name = "body" };
        body.Output.Add(new ValueInfoProto { Name = "x" });
        var custom = OnnxTestModels.Node("Loopish", "custom", ["z"], ["out"]);
        custom.Domain = "com.example";
        custom.Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body });
        custom.Attribute.Add(new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("fast") });
        proto.Graph.Node.Add(custom);
        proto.Graph.Output.Add(new ValueInfoProto { Name = "out" });
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 2 });
        using var model = OnnxTestModels.Load(proto);

        var graph = OnnxImporter.Import(model);

        var node = graph.Nodes[^1];
        Assert.Equal(("Loopish", "com.example"), (node.Op, node.Domain));
        Assert.True(node.Attributes.TryGet("body", out var attribute));
        Assert.Equal(AttributeKind.Foreign, attribute.Kind);
        var back = AttributeProto.Parser.ParseFrom(attribute.Raw.Span);
        Assert.Equal(("body", "body"), (back.Name, back.G.Name));
        Assert.Equal("fast", node.Attributes.String("mode", ""));
        Assert.Equal(2, graph.Opsets["com.example"]);
        Assert.Equal((DType.Unknown, null), (node.Output.Type, node.Output.Shape));
    }
}
