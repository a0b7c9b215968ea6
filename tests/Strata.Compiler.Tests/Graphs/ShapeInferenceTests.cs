// ShapeInference on small built models: symbolic broadcasting, batched MatMul, and unknown operators left in place.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;
using Strata.Compiler.Onnx.Proto;
using Strata.Compiler.Tests.Onnx;

namespace Strata.Compiler.Tests.Graphs;

public sealed class ShapeInferenceTests
{
    [Fact]
    public void Run_BroadcastingSymbolicDims_GivesTheNumpyShape()
    {
        var graph = new TestGraphBuilder().Input("a", "batch", 1, 384).Input("b", "sequence", 1).Input("c", 1, "sequence", 384)
            .Node("Add", ["a", "b"], "ab").Node("Mul", ["ab", "c"], "abc").Node("Sub", ["a", "c"], "ac").Output("abc").Output("ac")
            .Run(new CompileLog(), ShapeInference.Run);

        Assert.Equal("[batch, sequence, 384]", TestGraphBuilder.Value(graph, "ab").Shape!.ToString());
        Assert.Equal("[batch, sequence, 384]", TestGraphBuilder.Value(graph, "abc").Shape!.ToString());
        Assert.Equal("[batch, sequence, 384]", TestGraphBuilder.Value(graph, "ac").Shape!.ToString());
        Assert.Equal(DType.F32, TestGraphBuilder.Value(graph, "abc").Type);
    }

    [Fact]
    public void Run_DifferentSymbolsOnOneAxis_GiveAnUnknownDim()
    {
        var graph = new TestGraphBuilder().Input("a", "batch", 8).Input("b", "sequence", 8).Node("Add", ["a", "b"], "y").Output("y")
            .Run(new CompileLog(), ShapeInference.Run);

        Assert.Equal("[?, 8]", TestGraphBuilder.Value(graph, "y").Shape!.ToString());
    }

    [Fact]
    public void Run_BatchedMatMulAndReductions_FollowOnnxRules()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 1, 4, 8).Input("w", 3, 8, 5)
            .Node("MatMul", ["x", "w"], "y").Node("ReduceMean", ["y"], "m", ("axes", new long[] { -1 }))
            .Node("ReduceMean", ["y"], "n", ("axes", new long[] { 1, 2 }), ("keepdims", 0L))
            .Node("Transpose", ["y"], "t", ("perm", new long[] { 0, 2, 1, 3 })).Node("Softmax", ["t"], "s", ("axis", -1L))
            .Output("m").Output("n").Output("s")
            .Run(new CompileLog(), ShapeInference.Run);

        Assert.Equal("[batch, 3, 4, 5]", TestGraphBuilder.Value(graph, "y").Shape!.ToString());
        Assert.Equal("[batch, 3, 4, 1]", TestGraphBuilder.Value(graph, "m").Shape!.ToString());
        Assert.Equal("[batch, 5]", TestGraphBuilder.Value(graph, "n").Shape!.ToString());
        Assert.Equal("[batch, 4, 3, 5]", TestGraphBuilder.Value(graph, "s").Shape!.ToString());
    }

    [Fact]
    public void Run_UnknownOperator_IsKeptWithUnknownTypesDownstream()
    {
        var log = new CompileLog();
        var graph = new TestGraphBuilder().Input("x", "batch", 8)
            .Node("FancyOp", "com.example", ["x"], "f").Node("Relu", ["f"], "r")
            .Node("Mystery", ["x"], "declared").Node("Neg", ["declared"], "n")
            .ValueInfo(OnnxTestModels.TensorValue("declared", TensorProto.Types.DataType.Float, "batch", 2))
            .Output("r").Output("n")
            .Run(log, ShapeInference.Run);

        Assert.Equal(["com.example.FancyOp", "Relu", "Mystery", "Neg"], TestGraphBuilder.Ops(graph));
        var f = TestGraphBuilder.Value(graph, "f");
        Assert.Equal((DType.Unknown, null), (f.Type, f.Shape));
        Assert.Null(TestGraphBuilder.Value(graph, "r").Shape);
        Assert.Equal("[batch, 2]", TestGraphBuilder.Value(graph, "n").Shape!.ToString());
        Assert.Contains("no rule for Mystery, com.example.FancyOp", log.Entries[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ReshapeToARunTimeShape_KnowsTheRankOnly()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 8).Input("target", 3).Node("Cast", ["target"], "t", ("to", 7L))
            .Node("Reshape", ["x", "t"], "y").Output("y")
            .Run(new CompileLog(), ShapeInference.Run);

        Assert.Equal("[?, ?, ?]", TestGraphBuilder.Value(graph, "y").Shape!.ToString());
    }
}
