// A tiny ONNX model with an operator Strata has no kernel for between two it runs: y = Softplus(x + a) * m, x f32[batch, 8].
// Built with the compiler's generated protobuf types (internal; Strata.Compiler grants the test projects access), written
// to a file, and computed in plain C# as the reference.
using Google.Protobuf;
using Strata.Compiler.Onnx.Proto;

namespace Strata.Tests.Shared;

internal static class ForeignOpModel
{
    /// <summary>The operator Strata has no kernel for (ONNX Runtime's CPU provider runs it).</summary>
    public const string ForeignOp = "Softplus";

    /// <summary>Columns of x and y.</summary>
    public const int Width = 8;

    // a (f32[8]) is added before the Softplus, m (f32[8]) multiplies after it.
    private static readonly float[] Shift = [0.5f, -1f, 2f, -0.25f, 0f, 1.5f, -3f, 0.75f];
    private static readonly float[] Scale = [1f, 2f, -1f, 0.5f, 3f, -2f, 0.25f, 4f];

    /// <summary>The serialized model.</summary>
    public static byte[] Bytes()
    {
        var graph = new GraphProto { Name = "foreign-op" };
        graph.Input.Add(Value("x", new TensorShapeProto.Types.Dimension { DimParam = "batch" }, new TensorShapeProto.Types.Dimension { DimValue = Width }));
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        graph.Initializer.Add(Floats("a", Shift));
        graph.Initializer.Add(Floats("m", Scale));
        graph.Node.Add(Node("Add", ["x", "a"], "shifted"));
        graph.Node.Add(Node(ForeignOp, ["shifted"], "soft"));
        graph.Node.Add(Node("Mul", ["soft", "m"], "y"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "strata-test", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path)
    {
        File.WriteAllBytes(path, Bytes());
        return path;
    }

    /// <summary>y for x (row-major [rows, 8]), in double precision then rounded.</summary>
    public static float[] Reference(float[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double shifted = (double)x[i] + Shift[i % Width];
            y[i] = (float)(Math.Log(1 + Math.Exp(shifted)) * Scale[i % Width]);
        }

        return y;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}0" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto Floats(string name, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(values.Length);
        byte[] raw = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        tensor.RawData = ByteString.CopyFrom(raw);
        return tensor;
    }

    private static ValueInfoProto Value(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims);
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
