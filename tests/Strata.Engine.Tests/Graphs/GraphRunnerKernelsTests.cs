// The graph runner's data-movement and selection kernels (Transpose, Slice, Equal, Where, Expand, the batched product of two
// activations) on one small ONNX model, against plain C# with numpy broadcasting, bit for bit, at two batch sizes; and,
// once each size has run, a run of either allocates nothing (AllocationMeter, this collection alone). Sizes over the
// capacity or negative are still refused after other sizes were admitted.
using Google.Protobuf;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Compiler.Onnx.Proto;
using Strata.Compiler.Tests.Onnx;
using Strata.Engine.Graphs;

namespace Strata.Engine.Tests.Graphs;

[Collection(nameof(AllocationCollection))]
public sealed class GraphRunnerKernelsTests : IDisposable
{
    private static readonly float[] Other = [-1f, -2f, -3f, -4f]; // Where's else-branch, broadcast over rows
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-layout-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_LayoutKernelsAtTwoBatchSizes_MatchTheReferenceBitForBit()
    {
        using var executable = Compile();
        using var runner = new GraphRunner(executable, threads: 1);
        StepKind[] kernels = [StepKind.Transpose, StepKind.Slice, StepKind.Equal, StepKind.Where, StepKind.Expand, StepKind.MatMul];
        Assert.Equal(kernels.Order(), executable.Steps.Select(s => s.Kind).Order());

        foreach (int batch in new[] { 2, 3, 2 })
        {
            var inputs = new Inputs(batch, new Random(batch));
            runner.Run(inputs.Feeds());

            AssertBits([4, batch, 3], Transpose(inputs), runner, 0);
            AssertBits([batch, 2, 3], Slice(inputs), runner, 1);
            AssertBits([batch, 3, 4], Where(inputs), runner, 2);
            AssertBits([2, 3, 4], Expand(inputs), runner, 3);
            AssertBits([2, 3, 3, 5], MatMul(inputs), runner, 4);
        }
    }

    [Fact]
    public void Run_LayoutKernelsAfterEachBatchSizeRan_AllocatesNothing()
    {
        using var executable = Compile();
        using var runner = new GraphRunner(executable, threads: 1);
        GraphInput[] two = new Inputs(2, new Random(1)).Feeds(), three = new Inputs(3, new Random(2)).Feeds();
        runner.Run(two);
        runner.Run(three);

        long same = AllocationMeter.Measure(() => runner.Run(three));
        long changed = AllocationMeter.Measure(() => runner.Run(two));

        Assert.Equal(0, same);
        Assert.Equal(0, changed);
    }

    [Fact]
    public void Run_BatchOverTheCapacityAfterAdmittedSizes_ThrowsAndTheAdmittedSizesStillRun()
    {
        using var executable = Compile();
        using var runner = new GraphRunner(executable, threads: 1);
        var two = new Inputs(2, new Random(1));
        runner.Run(two.Feeds());

        var e = Assert.Throws<ArgumentException>(() => runner.Run(new Inputs(5, new Random(5)).Feeds()));

        Assert.Contains("batch=5", e.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the executable's capacity", e.Message, StringComparison.Ordinal);
        runner.Run(two.Feeds());
        AssertBits([2, 2, 3], Slice(two), runner, 1);
    }

    [Fact]
    public void Run_NegativeSize_ThrowsNamingTheInput()
    {
        using var executable = Compile();
        using var runner = new GraphRunner(executable, threads: 1);
        var feeds = new Inputs(2, new Random(1)).Feeds();
        feeds[0] = feeds[0] with { Shape = [-1, 3, 4] };

        var e = Assert.Throws<ArgumentException>(() => runner.Run(feeds));

        Assert.Contains("input 'x' dim 0 is -1", e.Message, StringComparison.Ordinal);
    }

    private GraphExecutable Compile()
    {
        string path = Path.Combine(_directory, "layout.onnx");
        File.WriteAllBytes(path, Model().ToByteArray());
        var bounds = new CapacityBounds(new Dictionary<string, long> { ["batch"] = 4 });
        return Compiler.Graphs.GraphCompiler.Compile(path, new GraphCompileOptions(bounds, string.Empty, Kernels.KernelIsa.Active, AllowFallback: false));
    }

    private static void AssertBits(long[] shape, float[] expected, GraphRunner runner, int output)
    {
        float[] actual = runner.OutputFloats(output, out long[] actualShape).ToArray();
        Assert.Equal(shape, actualShape);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"output {output} [{i}]: {actual[i]} != {expected[i]}");
        }
    }

    // t[k, n, j] = x[n, j, k] (perm 2, 0, 1).
    private static float[] Transpose(Inputs v)
    {
        var t = new float[v.X.Length];
        for (int k = 0, i = 0; k < 4; k++)
        {
            for (int n = 0; n < v.Batch; n++)
            {
                for (int j = 0; j < 3; j++)
                {
                    t[i++] = v.X[(((n * 3) + j) * 4) + k];
                }
            }
        }

        return t;
    }

    // x[:, 1:3, -3:4] (the start -3 counts from the end of a size-4 axis: 1).
    private static float[] Slice(Inputs v)
    {
        var s = new float[v.Batch * 2 * 3];
        for (int n = 0, i = 0; n < v.Batch; n++)
        {
            for (int j = 1; j < 3; j++)
            {
                for (int k = 1; k < 4; k++)
                {
                    s[i++] = v.X[(((n * 3) + j) * 4) + k];
                }
            }
        }

        return s;
    }

    // Where(ids[n, 0, k] == keys[j, 0], x[n, j, k], other[k]).
    private static float[] Where(Inputs v)
    {
        var w = new float[v.X.Length];
        for (int n = 0, i = 0; n < v.Batch; n++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++, i++)
                {
                    w[i] = v.Ids[(n * 4) + k] == v.Keys[j] ? v.X[i] : Other[k];
                }
            }
        }

        return w;
    }

    // r[3, 1] expanded to [2, 3, 4].
    private static float[] Expand(Inputs v)
    {
        var p = new float[2 * 3 * 4];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = v.R[i / 4 % 3];
        }

        return p;
    }

    // m[i, j] = a[i, 0] · b[j] for a [2, 1, 3, 4] and b [3, 4, 5], summed over k in order from 0 as the kernel does.
    private static float[] MatMul(Inputs v)
    {
        var m = new float[2 * 3 * 3 * 5];
        for (int i = 0, o = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int row = 0; row < 3; row++)
                {
                    for (int col = 0; col < 5; col++, o++)
                    {
                        float sum = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            sum += v.A[(((i * 3) + row) * 4) + k] * v.B[(((j * 4) + k) * 5) + col];
                        }

                        m[o] = sum;
                    }
                }
            }
        }

        return m;
    }

    // x f32[batch, 3, 4], ids i64[batch, 1, 4], keys i64[3, 1], r f32[3, 1], a f32[2, 1, 3, 4], b f32[3, 4, 5]; outputs t, s, w, p, m.
    private static ModelProto Model()
    {
        var graph = new GraphProto { Name = "layout" };
        graph.Input.Add(OnnxTestModels.TensorValue("x", TensorProto.Types.DataType.Float, "batch", 3, 4));
        graph.Input.Add(OnnxTestModels.TensorValue("ids", TensorProto.Types.DataType.Int64, "batch", 1, 4));
        graph.Input.Add(OnnxTestModels.TensorValue("keys", TensorProto.Types.DataType.Int64, 3, 1));
        graph.Input.Add(OnnxTestModels.TensorValue("r", TensorProto.Types.DataType.Float, 3, 1));
        graph.Input.Add(OnnxTestModels.TensorValue("a", TensorProto.Types.DataType.Float, 2, 1, 3, 4));
        graph.Input.Add(OnnxTestModels.TensorValue("b", TensorProto.Types.DataType.Float, 3, 4, 5));
        graph.Initializer.Add(OnnxTestModels.Int64s("starts", 1, -3));
        graph.Initializer.Add(OnnxTestModels.Int64s("ends", 3, 4));
        graph.Initializer.Add(OnnxTestModels.Int64s("axes", 1, 2));
        graph.Initializer.Add(OnnxTestModels.Int64s("expanded", 2, 3, 4));
        var other = new TensorProto { Name = "other", DataType = (int)TensorProto.Types.DataType.Float };
        other.Dims.Add(Other.Length);
        other.FloatData.Add(Other);
        graph.Initializer.Add(other);
        var transpose = OnnxTestModels.Node("Transpose", "transpose0", ["x"], ["t"]);
        transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2, 0, 1 } });
        graph.Node.Add(transpose);
        graph.Node.Add(OnnxTestModels.Node("Slice", "slice0", ["x", "starts", "ends", "axes"], ["s"]));
        graph.Node.Add(OnnxTestModels.Node("Equal", "equal0", ["ids", "keys"], ["e"]));
        graph.Node.Add(OnnxTestModels.Node("Where", "where0", ["e", "x", "other"], ["w"]));
        graph.Node.Add(OnnxTestModels.Node("Expand", "expand0", ["r", "expanded"], ["p"]));
        graph.Node.Add(OnnxTestModels.Node("MatMul", "matmul0", ["a", "b"], ["m"]));
        foreach (string output in new[] { "t", "s", "w", "p", "m" })
        {
            graph.Output.Add(new ValueInfoProto { Name = output });
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "strata-test", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    // One run's inputs, seeded; ids take the values 0–3 so that some match the keys 0, 1, 2 and some match none.
    private sealed class Inputs
    {
        public Inputs(int batch, Random random)
        {
            Batch = batch;
            X = Floats(random, batch * 3 * 4);
            Ids = [.. Enumerable.Range(0, batch * 4).Select(_ => (long)random.Next(4))];
            R = Floats(random, 3);
            A = Floats(random, 2 * 3 * 4);
            B = Floats(random, 3 * 4 * 5);
        }

        public int Batch { get; }

        public float[] X { get; }

        public long[] Ids { get; }

        public long[] Keys { get; } = [0, 1, 2];

        public float[] R { get; }

        public float[] A { get; }

        public float[] B { get; }

        public GraphInput[] Feeds() =>
        [
            new([Batch, 3, 4], Bytes(X)),
            GraphInput.Of([Batch, 1, 4], Ids),
            GraphInput.Of([3, 1], Keys),
            new([3, 1], Bytes(R)),
            new([2, 1, 3, 4], Bytes(A)),
            new([3, 4, 5], Bytes(B)),
        ];

        private static byte[] Bytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

        private static float[] Floats(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 4) - 2))];
    }
}
