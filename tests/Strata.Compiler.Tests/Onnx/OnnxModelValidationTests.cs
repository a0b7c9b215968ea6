// Each rule the reader checks, broken once in a hand-made model: the error names the file, the element and the problem.
using Google.Protobuf;
using Strata.Compiler.Onnx;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Compiler.Tests.Onnx;

public sealed class OnnxModelValidationTests
{
    private static void AssertNames(OnnxFormatException e, string element, string problem)
    {
        Assert.StartsWith("ONNX model 'test.onnx': ", e.Message, StringComparison.Ordinal);
        Assert.Equal(element, e.Element);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GarbageBytes_NamesTheByteOffset()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(new byte[] { 0x3A, 0xFF, 0xFF, 0x01 }, "test.onnx"));

        AssertNames(e, "model", "protobuf at byte 0: field 7 (graph) declares 32767 bytes but its message has 0 left");
    }

    [Fact]
    public void Load_NoGraph_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph = null;

        AssertNames(OnnxTestModels.Reject(proto), "model", "has no graph");
    }

    [Fact]
    public void Load_NoIrVersion_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.ClearIrVersion();

        AssertNames(OnnxTestModels.Reject(proto), "model", "ir_version is missing");
    }

    [Fact]
    public void Load_NoOpset_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.OpsetImport.Clear();

        AssertNames(OnnxTestModels.Reject(proto), "model", "opset_import is empty");
    }

    [Fact]
    public void Load_UndefinedInput_NamesNodeAndInput()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].Input[1] = "missing";

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[1] (Add 'add')", "input 'missing' is produced by no node, initializer or graph input");
    }

    [Fact]
    public void Load_OptionalEmptyInput_IsAccepted()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].Input.Add("");

        using var model = OnnxTestModels.Load(proto);

        Assert.Equal(["y", "b", ""], model.Graph.Nodes[1].Inputs);
    }

    [Fact]
    public void Load_NodesOutOfOrder_NamesTheLaterProducer()
    {
        var proto = OnnxTestModels.Small();
        var add = proto.Graph.Node[1];
        proto.Graph.Node.RemoveAt(1);
        proto.Graph.Node.Insert(0, add);

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[0] (Add 'add')", "is produced by graph.node[1] (MatMul 'mm'), which comes after it");
    }

    [Fact]
    public void Load_NodeReadingItsOwnOutput_NamesTheCycle()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].Input[0] = "z";

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[1] (Add 'add')", "input 'z' is its own output (a cycle)");
    }

    [Fact]
    public void Load_AttributeWithoutType_SaysTheTypeIsMissing()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "alpha", F = 1f });

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[0] (MatMul 'mm').attribute 'alpha'", "type is missing");
    }

    [Fact]
    public void Load_AttributeWithTwoValues_SaysItHoldsBoth()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1f, I = 2 });

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[0] (MatMul 'mm').attribute 'alpha'", "holds values of two kinds, Float and Int");
    }

    [Fact]
    public void Load_ValueProducedTwice_NamesBothNodes()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].Output[0] = "y";

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[1] (Add 'add')", "output 'y' is already produced by graph.node[0] (MatMul 'mm')");
    }

    [Fact]
    public void Load_DuplicateInitializer_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer.Add(OnnxTestModels.RawFloats("w", [1], [0]));

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[2] 'w'", "given to another initializer");
    }

    [Fact]
    public void Load_OutputNobodyProduces_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Output[0].Name = "nowhere";

        AssertNames(OnnxTestModels.Reject(proto), "graph.output[0] 'nowhere'", "is produced by no node");
    }

    [Fact]
    public void Load_InitializerTooShort_NamesExpectedAndFoundBytes()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[20]);

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[0] 'w'", "Float[3, 2] needs 24 bytes of data, the file holds 20");
    }

    [Fact]
    public void Load_TypedDataCountWrong_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer[1].FloatData.Add(1f);

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[1] 'b'", "needs 8 bytes of data, its typed data field holds 3 entries of 4 bytes");
    }

    [Fact]
    public void Load_NegativeDim_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer[0].Dims[0] = -3;

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[0] 'w'", "dims[0] is -3");
    }

    [Fact]
    public void Load_DimsOverflow_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer[0].Dims.Clear();
        proto.Graph.Initializer[0].Dims.Add([1L << 40, 1L << 40]);

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[0] 'w'", "multiply past 2^63 elements");
    }

    [Fact]
    public void Load_UnknownDataType_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Initializer[0].DataType = 99;

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[0] 'w'", "data_type 99 is not an ONNX element type");
    }

    [Fact]
    public void Load_ExternalData_IsRefusedNamingTheLocation()
    {
        var proto = OnnxTestModels.Small();
        var w = proto.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });

        AssertNames(OnnxTestModels.Reject(proto), "graph.initializer[0] 'w'", "location 'weights.bin'); external data is not supported yet");
    }

    [Fact]
    public void Load_SparseInitializer_IsRefusedNamingIt()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.SparseInitializer.Add(new SparseTensorProto { Values = OnnxTestModels.RawFloats("s", [1], [1f]), Dims = { 4 } });

        AssertNames(OnnxTestModels.Reject(proto), "graph.sparse_initializer[0] 's'", "sparse initializers are not supported yet");
    }

    [Fact]
    public void Load_DuplicateGraphInput_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Input.Add(OnnxTestModels.TensorValue("x", TensorProto.Types.DataType.Float, 1));

        AssertNames(OnnxTestModels.Reject(proto), "graph.input[1] 'x'", "given to another graph input");
    }

    [Fact]
    public void Load_DuplicateOpsetDomain_SaysSo()
    {
        var proto = OnnxTestModels.Small();
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx", Version = 17 });

        AssertNames(OnnxTestModels.Reject(proto), "model.opset_import[1] 'ai.onnx'", "the domain is imported twice");
    }

    [Fact]
    public void Load_AttributeTypeMismatch_SaysWhatItHolds()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Int, F = 1f });

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[0] (MatMul 'mm').attribute 'alpha'", "declares type Int but holds Float");
    }

    [Fact]
    public void Load_KnownAttributeOfWrongType_NamesTheExpectedType()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].OpType = "Softmax";
        proto.Graph.Node[1].Input.RemoveAt(1);
        proto.Graph.Node[1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Float, F = 1f });

        AssertNames(OnnxTestModels.Reject(proto), "graph.node[1] (Softmax 'add').attribute 'axis'", "Softmax's 'axis' must be Int, is Float");
    }

    [Fact]
    public void Load_UnknownOperator_IsNotAnError()
    {
        var proto = OnnxTestModels.Small();
        proto.Graph.Node[1].OpType = "FancyNewOp";
        proto.Graph.Node[1].Domain = "com.example";

        using var model = OnnxTestModels.Load(proto);

        Assert.Equal("FancyNewOp", model.Graph.Nodes[1].OpType);
    }

    [Fact]
    public void Load_SubgraphsTooDeep_NamesTheDepthLimit()
    {
        var proto = OnnxTestModels.Small();
        GraphProto inner = new() { Name = "leaf" };
        for (int depth = 0; depth < OnnxGraphReaderDepth + 2; depth++)
        {
            var node = OnnxTestModels.Node("If", $"if{depth}", ["x"], [$"o{depth}"]);
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner });
            inner = new GraphProto { Name = $"level{depth}" };
            inner.Node.Add(node);
        }

        proto.Graph.Node.Add(inner.Node[0]);

        var e = OnnxTestModels.Reject(proto);

        Assert.Contains("subgraphs are nested more than 16 deep", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("graph.node[2] (If 'if17').attribute 'then_branch'.g.node[0] (If 'if16')", e.Element, StringComparison.Ordinal);
    }

    private const int OnnxGraphReaderDepth = 16;
}
