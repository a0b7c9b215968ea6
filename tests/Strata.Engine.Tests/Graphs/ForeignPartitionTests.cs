// Issue acceptance 3: an operator Strata has no kernel for (Softplus) between two it runs compiles into one ONNX Runtime
// partition; the runner hands it over and takes the result back, the Mul after it runs on a Strata kernel because the
// partition's output type was learned at compile time, and the output matches plain C# and ONNX Runtime on the whole model.
// With fallback refused the compile fails naming the operator.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Strata.Compiler;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Engine.Graphs;
using Strata.OnnxRuntime;
using Strata.Tests.Shared;
using Xunit.Abstractions;

namespace Strata.Engine.Tests.Graphs;

public sealed class ForeignPartitionTests(ITestOutputHelper output) : IDisposable
{
    private const float Tolerance = 1e-5f;
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-foreign-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static GraphCompileOptions Options(bool allowFallback) =>
        new(new CapacityBounds(new Dictionary<string, long> { ["batch"] = 16 }), string.Empty, Kernels.KernelIsa.Active, allowFallback)
        {
            ForeignRuntime = allowFallback ? new OnnxRuntimeForeign(1) : null,
        };

    [Fact]
    public void Compile_SoftplusBetweenAddAndMul_OnePartitionAndTheMulOnAStrataKernel()
    {
        string model = ForeignOpModel.Write(Path.Combine(_directory, "foreign.onnx"));

        using var executable = GraphCompiler.Compile(model, Options(allowFallback: true));

        foreach (var entry in executable.Log.Entries)
        {
            output.WriteLine($"{entry.Pass}: {entry.Message}");
        }

        Assert.Equal(1, executable.ForeignNodeCount);
        var (partition, loaded) = Assert.Single(executable.Partitions);
        Assert.NotNull(loaded);
        Assert.Equal([ForeignOpModel.ForeignOp], partition.Operators);
        Assert.Contains(executable.Log.Entries, e => e.Pass == Partitioner.Name && e.Message.Contains(ForeignOpModel.ForeignOp, StringComparison.Ordinal)
            && e.Message.Contains("foreign", StringComparison.Ordinal));
        Assert.Equal([StepKind.Binary, StepKind.Foreign, StepKind.Binary], executable.Steps.Select(s => s.Kind));
        Assert.Equal("Mul", executable.Steps[2].Node.Op);
        Assert.Equal("[batch, 8]", executable.Steps[2].Node.Output.Shape?.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    public void Run_SoftplusPartition_MatchesReferenceAndOnnxRuntime(int rows)
    {
        string model = ForeignOpModel.Write(Path.Combine(_directory, "foreign.onnx"));
        float[] x = Inputs(rows, seed: rows);
        using var executable = GraphCompiler.Compile(model, Options(allowFallback: true));
        using var runner = new GraphRunner(executable, threads: 1);

        runner.Run([new GraphInput([rows, ForeignOpModel.Width], System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray())]);
        float[] y = runner.OutputFloats(0, out long[] shape).ToArray();

        Assert.Equal([rows, ForeignOpModel.Width], shape);
        float[] reference = ForeignOpModel.Reference(x);
        float[] whole = OnnxRuntimeWholeModel(x, rows);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - reference[i]) <= Tolerance * Math.Max(1, Math.Abs(reference[i])), $"y[{i}] = {y[i]}, reference {reference[i]}");
            Assert.True(Math.Abs(y[i] - whole[i]) <= Tolerance * Math.Max(1, Math.Abs(whole[i])), $"y[{i}] = {y[i]}, ONNX Runtime {whole[i]}");
        }
    }

    [Fact]
    public void Compile_SoftplusWithFallbackRefused_CompileExceptionNamesTheOperator()
    {
        string model = ForeignOpModel.Write(Path.Combine(_directory, "foreign.onnx"));

        var e = Assert.Throws<CompileException>(() => GraphCompiler.Compile(model, Options(allowFallback: false)));

        Assert.Contains(ForeignOpModel.ForeignOp, e.Message, StringComparison.Ordinal);
        Assert.Contains("fallback refused", e.Message, StringComparison.Ordinal);
    }

    // Values over Softplus's interesting range (about -6 to 6 after the shift).
    private static float[] Inputs(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * ForeignOpModel.Width];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 10 - 5);
        }

        return x;
    }

    private static float[] OnnxRuntimeWholeModel(float[] x, int rows)
    {
        using var session = new InferenceSession(ForeignOpModel.Bytes());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(x, [rows, ForeignOpModel.Width]))]);
        return [.. results.First(r => r.Name == "y").AsEnumerable<float>()];
    }
}
