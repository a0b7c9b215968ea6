// DeadCodeElimination and CommonSubexpressionElimination on small built models.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Tests.Graphs;

public sealed class CleanupPassTests
{
    [Fact]
    public void DeadCode_UnusedNodesAndConstants_AreRemoved()
    {
        var log = new CompileLog();

        var graph = new TestGraphBuilder().Input("x", "batch", 4).Input("unused", 2).Floats("w", [4], 1, 2, 3, 4).Floats("spare", [2], 5, 6)
            .Node("Mul", ["x", "w"], "y").Node("Relu", ["x"], "dead").Node("Add", ["spare", "unused"], "dead2").Output("y")
            .Run(log, DeadCodeElimination.Run);

        Assert.Equal(["Mul"], TestGraphBuilder.Ops(graph));
        Assert.Equal(["w"], graph.ConstantValues.Values.Select(v => v.Name));
        Assert.Equal(2, graph.Inputs.Count);
        Assert.Equal("removed 2 nodes (Add 1, Relu 1) and 1 constants (8 bytes); 1 nodes and 1 constants remain", log.Entries[^1].Message);
    }

    [Fact]
    public void Cse_SameOpInputsAndAttributes_MergeIntoOneNode()
    {
        var log = new CompileLog();

        var graph = new TestGraphBuilder().Input("x", "batch", 4)
            .Node("Softmax", ["x"], "a", ("axis", -1L)).Node("Softmax", ["x"], "b", ("axis", -1L)).Node("Softmax", ["x"], "c", ("axis", 0L))
            .Node("Add", ["a", "b"], "ab").Node("Add", ["ab", "c"], "y").Output("y")
            .Run(log, CommonSubexpressionElimination.Run);

        Assert.Equal(["Softmax", "Softmax", "Add", "Add"], TestGraphBuilder.Ops(graph));
        var add = graph.Nodes[2];
        Assert.Equal(add.Inputs[0]!.Id, add.Inputs[1]!.Id);
        Assert.Equal("merged 1 duplicate nodes and 0 duplicate constants; 4 nodes remain", log.Entries[^1].Message);
    }

    [Fact]
    public void Cse_IdenticalSmallConstants_AreMerged()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 2).Floats("p", [2], 1, 2).Floats("q", [2], 1, 2).Floats("r", [2], 2, 1)
            .Node("Mul", ["x", "p"], "a").Node("Mul", ["x", "q"], "b").Node("Mul", ["x", "r"], "c")
            .Node("Add", ["a", "b"], "ab").Node("Add", ["ab", "c"], "y").Output("y")
            .Run(new CompileLog(), CommonSubexpressionElimination.Run);

        Assert.Equal(2, graph.Constants.Count);
        Assert.Equal(["Mul", "Mul", "Add", "Add"], TestGraphBuilder.Ops(graph));
    }

    [Fact]
    public void Cse_DuplicateProducingAGraphOutput_IsKept()
    {
        var graph = new TestGraphBuilder().Input("x", "batch", 4).Node("Relu", ["x"], "a").Node("Relu", ["x"], "b").Output("a").Output("b")
            .Run(new CompileLog(), CommonSubexpressionElimination.Run);

        Assert.Equal(["Relu", "Relu"], TestGraphBuilder.Ops(graph));
    }
}
