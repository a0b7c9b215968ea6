// A model built with the generated protobuf types reads back into the same facts through OnnxModel.
using Google.Protobuf;
using Strata.Compiler.Onnx;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Compiler.Tests.Onnx;

public sealed class OnnxModelRoundTripTests
{
    [Fact]
    public void Load_BuiltModel_ReadsEveryFact()
    {
        var proto = OnnxTestModels.Small();
        var attr = new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 };
        proto.Graph.Node[0].Attribute.Add(attr);
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "tags", Type = AttributeProto.Types.AttributeType.Strings, Strings = { ByteString.CopyFromUtf8("a") } });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });

        using var model = OnnxTestModels.Load(proto);

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("strata-test", model.ProducerName);
        Assert.Equal([new OnnxOpsetImport("", 13)], model.OpsetImports);
        Assert.Equal("v", model.Metadata["k"]);
        Assert.Equal("x: Float[batch, 3]", model.Graph.Inputs[0].ToString());
        Assert.Equal("z: Float[batch, 2]", model.Graph.Outputs[0].ToString());
        Assert.Equal(["MatMul", "Add"], model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(["x", "w"], model.Graph.Nodes[0].Inputs);
        Assert.True(model.Graph.Nodes[0].TryGetAttribute("transB", out var transB));
        Assert.Equal((OnnxAttributeKind.Int, 1L), (transB.Kind, transB.Int));
        Assert.Equal(["a"], model.Graph.Nodes[0].Attributes[1].Strings);

        var w = model.Graph.Initializers[0];
        Assert.Equal([3L, 2L], w.Dims);
        Assert.Equal((6L, 24L), (w.ElementCount, w.ByteLength));
        Assert.NotNull(w.DataOffsetBytes);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.Bytes).ToArray());
        var b = model.Graph.Initializers[1];
        Assert.Null(b.DataOffsetBytes);
        Assert.Equal([0.5f, -0.5f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(b.Bytes).ToArray());
    }

    [Fact]
    public void Load_ConstantWithTypedInt64Data_DecodesLittleEndian()
    {
        var proto = OnnxTestModels.Small();
        var value = new TensorProto { Name = "c", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { 7, -1 } };
        value.Dims.Add(2);
        var constant = OnnxTestModels.Node("Constant", "const", [], ["shape"]);
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        proto.Graph.Node.Insert(0, constant);

        using var model = OnnxTestModels.Load(proto);

        var tensor = model.Graph.Nodes[0].Attributes[0].Tensor!;
        Assert.Equal([7L, -1L], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.Bytes).ToArray());
    }

    [Fact]
    public void Load_SubgraphUsingOuterValue_IsAccepted()
    {
        var proto = OnnxTestModels.Small();
        var branch = new GraphProto { Name = "then" };
        branch.Node.Add(OnnxTestModels.Node("Identity", "inner", ["z"], ["t"]));
        branch.Output.Add(OnnxTestModels.TensorValue("t", TensorProto.Types.DataType.Float, "batch", 2));
        var cond = OnnxTestModels.Node("If", "if", ["c"], ["out"]);
        cond.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
        cond.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch.Clone() });
        proto.Graph.Input.Add(OnnxTestModels.TensorValue("c", TensorProto.Types.DataType.Bool));
        proto.Graph.Node.Add(cond);

        using var model = OnnxTestModels.Load(proto);

        Assert.Equal("Identity", model.Graph.Nodes[2].Attributes[0].Graph!.Nodes[0].OpType);
    }

    [Fact]
    public void Load_Stream_ReadsTheSameModel()
    {
        using var stream = new MemoryStream(OnnxTestModels.Small().ToByteArray());

        using var model = OnnxModel.Load(stream, "stream.onnx");

        Assert.Equal(2, model.Graph.Nodes.Count);
        Assert.Equal("stream.onnx", model.Source);
    }
}
