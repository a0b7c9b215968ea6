// Small ONNX models built with the generated protobuf types, for round-trip and validation tests.
using Google.Protobuf;
using Strata.Compiler.Onnx;
using Strata.Compiler.Onnx.Proto;
using Strata.Engine.Tests;

namespace Strata.Compiler.Tests.Onnx;

internal static class OnnxTestModels
{
    public static string MiniLm => SharedModels.File("onnx/all-MiniLM-L6-v2/model.onnx");

    /// <summary>z = MatMul(x, w) + b with x: float[batch, 3], w: float[3, 2] (raw_data), b: float[2] (float_data).</summary>
    public static ModelProto Small()
    {
        var graph = new GraphProto { Name = "small" };
        graph.Input.Add(TensorValue("x", TensorProto.Types.DataType.Float, "batch", 3));
        graph.Output.Add(TensorValue("z", TensorProto.Types.DataType.Float, "batch", 2));
        graph.Initializer.Add(RawFloats("w", [3, 2], [1, 2, 3, 4, 5, 6]));
        var b = new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float };
        b.Dims.Add(2);
        b.FloatData.Add([0.5f, -0.5f]);
        graph.Initializer.Add(b);
        graph.Node.Add(Node("MatMul", "mm", ["x", "w"], ["y"]));
        var add = Node("Add", "add", ["y", "b"], ["z"]);
        graph.Node.Add(add);
        var model = new ModelProto { IrVersion = 7, ProducerName = "strata-test", ProducerVersion = "1", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    public static TensorProto RawFloats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        byte[] raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        tensor.RawData = ByteString.CopyFrom(raw);
        return tensor;
    }

    public static TensorProto Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor;
    }

    public static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d is string p ? new TensorShapeProto.Types.Dimension { DimParam = p } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    public static OnnxModel Load(ModelProto model) => OnnxModel.Load(model.ToByteArray(), "test.onnx");

    /// <summary>Loads <paramref name="model"/> expecting an OnnxFormatException, and returns it.</summary>
    public static OnnxFormatException Reject(ModelProto model) => Assert.Throws<OnnxFormatException>(() => Load(model));
}
