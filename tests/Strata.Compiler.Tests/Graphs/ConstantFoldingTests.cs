// ConstantFolding on small built models: pytorch's Shape → Gather → Unsqueeze → Concat → Reshape chains become a Reshape
// carrying its target symbolically, fixed shapes and all-constant nodes become constants.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Tests.Graphs;

public sealed class ConstantFoldingTests
{
    private static readonly Func<OpGraph, CompileLog, OpGraph>[] Fold = [ShapeInference.Run, ConstantFolding.Run, DeadCodeElimination.Run];

    // x [batch, sequence, 8] → Reshape to [Shape(x)[0], Shape(x)[1], 2, 4], as pytorch exports view(*x.size()[:-1], 2, 4).
    private static TestGraphBuilder SplitHeads() => new TestGraphBuilder().Input("x", "batch", "sequence", 8)
        .Int64Scalar("first", 0).Int64Scalar("second", 1).Int64s("zero", 0).Int64s("heads", 2).Int64s("width", 4)
        .Node("Shape", ["x"], "s0").Node("Gather", ["s0", "first"], "g0", ("axis", 0L))
        .Node("Shape", ["x"], "s1").Node("Gather", ["s1", "second"], "g1", ("axis", 0L))
        .Node("Unsqueeze", ["g0", "zero"], "u0").Node("Unsqueeze", ["g1", "zero"], "u1")
        .Node("Concat", ["u0", "u1", "heads", "width"], "target", ("axis", 0L))
        .Node("Reshape", ["x", "target"], "y").Output("y");

    [Fact]
    public void Run_SymbolicReshapeChain_BecomesOneReshapeWithShapeDims()
    {
        var log = new CompileLog();

        var graph = SplitHeads().Run(log, Fold);

        var reshape = Assert.Single(graph.Nodes);
        Assert.Null(reshape.Input(1));
        Assert.Equal("{shape_dims=['batch','sequence','2','4']}", reshape.Attributes.ToString());
        Assert.Equal("[batch, sequence, 2, 4]", reshape.Output.Shape!.ToString());
        Assert.Contains(log.Entries, e => e.Pass == ConstantFolding.PassName && e.Message.Contains("(Reshape 1)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ShapeProductAndMinusOne_FoldSymbolically()
    {
        // Reshape(x, [Shape(x)[0] * Shape(x)[1], -1]) → [batch*sequence, 8].
        var graph = new TestGraphBuilder().Input("x", "batch", "sequence", 8).Int64s("zero", 0).Int64s("one", 1).Int64s("rest", -1)
            .Node("Shape", ["x"], "s").Node("Gather", ["s", "zero"], "b", ("axis", 0L)).Node("Gather", ["s", "one"], "q", ("axis", 0L))
            .Node("Mul", ["b", "q"], "bq").Node("Concat", ["bq", "rest"], "target", ("axis", 0L))
            .Node("Reshape", ["x", "target"], "y").Output("y")
            .Run(new CompileLog(), Fold);

        var reshape = Assert.Single(graph.Nodes);
        Assert.Equal("{shape_dims=['batch*sequence','?']}", reshape.Attributes.ToString());
        Assert.Equal("[batch*sequence, 8]", reshape.Output.Shape!.ToString());
    }

    [Fact]
    public void Run_FixedShapesAndConstantArithmetic_BecomeConstants()
    {
        // Reshape(x [2, 3, 4], Shape(x)[0..2] ++ [-1]) and (c + c) * 2.
        var graph = new TestGraphBuilder().Input("x", 2, 3, 4).Int64s("start", 0).Int64s("end", 2).Int64s("rest", -1)
            .Floats("c", [4], 1.5f, -2f, 0f, 1f).Scalar("two", 2f)
            .Node("Shape", ["x"], "s").Node("Slice", ["s", "start", "end"], "head").Node("Concat", ["head", "rest"], "target", ("axis", 0L))
            .Node("Reshape", ["x", "target"], "y").Node("Add", ["c", "c"], "cc").Node("Mul", ["cc", "two"], "c4").Node("Add", ["y", "c4"], "z")
            .Output("z")
            .Run(new CompileLog(), Fold);

        Assert.Equal(["Reshape", "Add"], TestGraphBuilder.Ops(graph));
        Assert.True(graph.TryGetConstant(graph.Nodes[0].Input(1), out var target));
        Assert.Equal([2L, 3, -1], target.As<long>().ToArray());
        Assert.True(graph.TryGetConstant(graph.Nodes[1].Input(1), out var c4));
        Assert.Equal([6f, -8f, 0f, 4f], c4.As<float>().ToArray());
        Assert.Equal("[2, 3, 4]", graph.Outputs[0].Shape!.ToString());
    }

    [Fact]
    public void Run_SliceOfPositionIdsToSequence_CarriesEndsSymbolically()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", "sequence", 8).Int64s("zero", 0).Int64s("one", 1).Int64Scalar("second", 1)
            .Int64s("positions", 0, 1, 2, 3, 4, 5).Node("Shape", ["x"], "s").Node("Gather", ["s", "second"], "q", ("axis", 0L)).Node("Unsqueeze", ["q", "zero"], "end")
            .Node("Slice", ["positions", "zero", "end", "zero", "one"], "ids").Output("ids")
            .Run(new CompileLog(), Fold);

        var slice = Assert.Single(graph.Nodes);
        Assert.Null(slice.Input(2));
        Assert.Equal("{ends_dims=['sequence']}", slice.Attributes.ToString());
        Assert.Equal("[sequence]", slice.Output.Shape!.ToString());
    }

    [Fact]
    public void Run_ConstantMovementOps_AreEvaluated()
    {
        // Range(0, 6) → Reshape [2, 3] → Transpose → Gather column 1 → Where(> 2, ·, -1) → Cast f32; ConstantOfShape([2]).
        var graph = new TestGraphBuilder().Input("x", 2).Int64Scalar("start", 0).Int64Scalar("limit", 6).Int64Scalar("delta", 1)
            .Int64s("shape", 2, 3).Int64s("pick", 1).Int64Scalar("two", 2).Int64Scalar("minus", -1).Int64s("size", 2)
            .Node("Range", ["start", "limit", "delta"], "r").Node("Reshape", ["r", "shape"], "m").Node("Transpose", ["m"], "t")
            .Node("Gather", ["t", "pick"], "g", ("axis", 0L)).Node("Greater", ["g", "two"], "big").Node("Where", ["big", "g", "minus"], "w")
            .Node("Cast", ["w"], "f", ("to", 1L)).Node("ConstantOfShape", ["size"], "zeros").Node("Add", ["x", "zeros"], "xz")
            .Node("Add", ["xz", "f"], "y").Output("y")
            .Run(new CompileLog(), Fold);

        Assert.Equal(["Add", "Add"], TestGraphBuilder.Ops(graph));
        Assert.True(graph.TryGetConstant(graph.Nodes[1].Input(1), out var folded));
        Assert.Equal("f32[1, 2]", folded.ToString());
        Assert.Equal([-1f, 4f], folded.As<float>().ToArray());
        Assert.True(graph.TryGetConstant(graph.Nodes[0].Input(1), out var zeros));
        Assert.Equal([0f, 0f], zeros.As<float>().ToArray());
    }

    [Fact]
    public void Run_ConstantOfShapeOfSymbolicShape_CarriesItsInputDims()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", "sequence").Node("Shape", ["x"], "s").Node("ConstantOfShape", ["s"], "zeros")
            .Node("Add", ["x", "zeros"], "y").Output("y")
            .Run(new CompileLog(), Fold);

        Assert.Equal(["ConstantOfShape", "Add"], TestGraphBuilder.Ops(graph));
        Assert.Equal("{input_dims=['batch','sequence']}", graph.Nodes[0].Attributes.ToString());
        Assert.Equal("f32[batch, sequence]", $"{graph.Nodes[0].Output.Type.Text()}{graph.Nodes[0].Output.Shape}");
    }
}
