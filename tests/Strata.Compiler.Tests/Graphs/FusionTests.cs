// The fusion passes on small built models: each pattern fuses in its exported forms, and never when an intermediate of the
// pattern is also read elsewhere or is a graph output.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Tests.Graphs;

public sealed class FusionTests
{
    private static readonly float[] Ones4 = [1, 1, 1, 1];

    private static TestGraphBuilder LayerNormModel(bool squareByMul = false) => new TestGraphBuilder().Input("x", "batch", 4)
        .Scalar("two", 2).Scalar("eps", 1e-12f).Floats("gamma", [4], Ones4).Floats("beta", [4], 0, 0, 0, 0)
        .Node("ReduceMean", ["x"], "mean", ("axes", new long[] { -1 })).Node("Sub", ["x", "mean"], "d")
        .Node(squareByMul ? "Mul" : "Pow", squareByMul ? ["d", "d"] : ["d", "two"], "sq").Node("ReduceMean", ["sq"], "var", ("axes", new long[] { -1 }))
        .Node("Add", ["var", "eps"], "ve").Node("Sqrt", ["ve"], "std").Node("Div", ["d", "std"], "n")
        .Node("Mul", ["n", "gamma"], "g").Node("Add", ["beta", "g"], "y").Output("y");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FuseLayerNorm_ExportedPattern_BecomesOneNode(bool squareByMul)
    {
        var log = new CompileLog();

        var graph = LayerNormModel(squareByMul).Run(log, ShapeInference.Run, FuseLayerNorm.Run);

        var node = Assert.Single(graph.Nodes);
        Assert.True(node.IsStrata(StrataOps.LayerNorm));
        Assert.Equal(1e-12f, node.Attributes.Float("epsilon", 0));
        Assert.Equal(["x", "gamma", "beta"], node.Inputs.Select(i => i!.Name));
        Assert.Equal("y", node.Output.Name);
        Assert.StartsWith("fused 1 LayerNorm", log.Entries[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FuseLayerNorm_IntermediateUsedElsewhere_DoesNotFuse()
    {
        var graph = LayerNormModel().Output("d").Run(new CompileLog(), ShapeInference.Run, FuseLayerNorm.Run);

        Assert.DoesNotContain(graph.Nodes, n => n.IsStrata(StrataOps.LayerNorm));
        Assert.Equal(9, graph.Nodes.Count);
    }

    [Fact]
    public void FuseLayerNorm_OnnxLayerNormalization_BecomesStrataLayerNorm()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 4).Floats("gamma", [4], Ones4).Floats("beta", [4], 0, 0, 0, 0)
            .Node("LayerNormalization", ["x", "gamma", "beta"], "y", ("epsilon", 1e-5f)).Output("y")
            .Run(new CompileLog(), ShapeInference.Run, FuseLayerNorm.Run);

        Assert.Equal(["strata.LayerNorm"], TestGraphBuilder.Ops(graph));
        Assert.Equal("{epsilon=1E-05}", graph.Nodes[0].Attributes.ToString());
    }

    private static TestGraphBuilder GeluModel(bool halfFirst) => new TestGraphBuilder().Input("x", "batch", 4)
        .Scalar("sqrt2", 1.4142135f).Scalar("one", 1f).Scalar("half", 0.5f)
        .Node("Div", ["x", "sqrt2"], "s").Node("Erf", ["s"], "e").Node("Add", ["e", "one"], "a")
        .Node("Mul", halfFirst ? ["x", "half"] : ["x", "a"], "m").Node("Mul", halfFirst ? ["a", "m"] : ["half", "m"], "y").Output("y");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FuseGelu_EitherMultiplicationOrder_BecomesGelu(bool halfFirst)
    {
        var graph = GeluModel(halfFirst).Run(new CompileLog(), ShapeInference.Run, FuseGelu.Run);

        Assert.Equal(["strata.Gelu"], TestGraphBuilder.Ops(graph));
        Assert.Equal("x", graph.Nodes[0].Inputs[0]!.Name);
    }

    [Fact]
    public void FuseGelu_ErfUsedTwice_DoesNotFuse()
    {
        var graph = GeluModel(false).Output("e").Run(new CompileLog(), ShapeInference.Run, FuseGelu.Run);

        Assert.Equal(["Div", "Erf", "Add", "Mul", "Mul"], TestGraphBuilder.Ops(graph));
    }

    private static TestGraphBuilder DenseModel() => new TestGraphBuilder().Input("x", "batch", 3)
        .Floats("w", [3, 2], 1, 2, 3, 4, 5, 6).Floats("b", [2], 0.5f, -0.5f)
        .Node("MatMul", ["x", "w"], "p").Node("Add", ["b", "p"], "q").Node("Tanh", ["q"], "y").Output("y");

    [Fact]
    public void FuseDense_MatMulBiasTanh_BecomesDenseWithTransposedWeight()
    {
        var log = new CompileLog();

        var graph = DenseModel().Run(log, ShapeInference.Run, FuseDense.Run, DeadCodeElimination.Run);

        var dense = Assert.Single(graph.Nodes);
        Assert.Equal("{activation='tanh'}", dense.Attributes.ToString());
        Assert.Equal("[batch, 2]", dense.Output.Shape!.ToString());
        Assert.True(graph.TryGetConstant(dense.Inputs[1], out var wt));
        Assert.Equal([2L, 3L], wt.Dims);
        Assert.Equal([1f, 3, 5, 2, 4, 6], wt.As<float>().ToArray());
        Assert.False(wt.IsMapped);
        Assert.Equal("b", dense.Inputs[2]!.Name);
        Assert.Equal("fused 1 Dense (1 from MatMul+Add+Tanh); 1 weights transposed into new [N, K] constants", log.Entries[^2].Message);
    }

    [Fact]
    public void FuseDense_ProductUsedTwice_FusesTheMatMulAloneAndKeepsTheAdd()
    {
        var graph = DenseModel().Output("p").Run(new CompileLog(), ShapeInference.Run, FuseDense.Run);

        Assert.Equal(["strata.Dense", "Add", "Tanh"], TestGraphBuilder.Ops(graph));
        Assert.Null(graph.Nodes[0].Input(2));
        Assert.Equal("p", graph.Nodes[0].Output.Name);
    }

    [Fact]
    public void FuseDense_GemmTransB_UsesTheWeightAsItIs()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 3).Floats("w", [2, 3], 1, 2, 3, 4, 5, 6).Floats("b", [2], 0.5f, -0.5f)
            .Node("Gemm", ["x", "w", "b"], "y", ("transB", 1L)).Output("y")
            .Run(new CompileLog(), ShapeInference.Run, FuseDense.Run);

        var dense = Assert.Single(graph.Nodes);
        Assert.Equal(["x", "w", "b"], dense.Inputs.Select(i => i!.Name));
        Assert.Equal("[batch, 2]", dense.Output.Shape!.ToString());
    }

    // y = (x · W + b) + x2 where x2 is a second input of the product's shape (a residual connection).
    private static TestGraphBuilder ResidualModel(int residualWidth = 2) => new TestGraphBuilder().Input("x", "batch", 3)
        .Input("r", "batch", residualWidth)
        .Floats("w", [3, 2], 1, 2, 3, 4, 5, 6).Floats("b", [2], 0.5f, -0.5f)
        .Node("MatMul", ["x", "w"], "p").Node("Add", ["p", "b"], "q").Node("Add", ["r", "q"], "y").Output("y");

    [Fact]
    public void FuseResidual_AddOfTheDenseOutputAndAnotherValue_BecomesTheDensesFourthInput()
    {
        var log = new CompileLog();

        var graph = ResidualModel().Run(log, ShapeInference.Run, FuseDense.Run, FuseResidual.Run, DeadCodeElimination.Run);

        var dense = Assert.Single(graph.Nodes);
        Assert.Equal(["x", "w.T", "b", "r"], dense.Inputs.Select(i => i!.Name));
        Assert.Equal("y", dense.Output.Name);
        Assert.Equal("[batch, 2]", dense.Output.Shape!.ToString());
        Assert.Contains(log.Entries, e => e.Pass == FuseResidual.PassName && e.Message == "fused 1 residual Add into Dense");
    }

    [Fact]
    public void FuseResidual_BroadcastOperandOrSharedProduct_IsNotFused()
    {
        var broadcast = ResidualModel(1).Run(new CompileLog(), ShapeInference.Run, FuseDense.Run, FuseResidual.Run);
        Assert.Equal(["strata.Dense", "Add"], TestGraphBuilder.Ops(broadcast));

        var shared = ResidualModel().Output("q").Run(new CompileLog(), ShapeInference.Run, FuseDense.Run, FuseResidual.Run);
        Assert.Equal(["strata.Dense", "Add"], TestGraphBuilder.Ops(shared));

        var constant = new TestGraphBuilder().Input("x", "batch", 3).Floats("w", [3, 2], 1, 2, 3, 4, 5, 6).Floats("c", [2], 1, 1)
            .Node("MatMul", ["x", "w"], "p").Node("Add", ["p", "c"], "q").Node("Add", ["q", "c"], "y").Output("y")
            .Run(new CompileLog(), ShapeInference.Run, FuseDense.Run, FuseResidual.Run);
        Assert.Equal(["strata.Dense", "Add"], TestGraphBuilder.Ops(constant));
    }
}
