// FuseQkv on a small built attention whose queries, keys and values are three projections of one x: one product with the
// weights stacked, the attention reading the packed rows; and the cases it must leave alone.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Tests.Graphs;

public sealed class FuseQkvTests
{
    private static readonly Func<OpGraph, CompileLog, OpGraph>[] Pipeline =
        [ShapeInference.Run, FuseDense.Run, FuseAttention.Run, FuseQkv.Run, ShapeInference.Run, DeadCodeElimination.Run];

    // x [batch, sequence, 3] → q, k, v [batch, sequence, 4] (x · W + b each; v from `vInput`), two heads of 2, mask
    // [batch, 1, 1, sequence]; `kActivation` puts a Relu after k's projection.
    private static TestGraphBuilder Model(string vInput = "x", bool kActivation = false)
    {
        var model = new TestGraphBuilder().Input("x", "batch", "sequence", 3).Input("x2", "batch", "sequence", 3).Input("mask", "batch", 1, 1, "sequence")
            .Floats("wq", [3, 4], 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12).Floats("bq", [4], 0.1f, 0.2f, 0.3f, 0.4f)
            .Floats("wk", [3, 4], -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12).Floats("bk", [4], 1, 2, 3, 4)
            .Floats("wv", [3, 4], 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1).Floats("bv", [4], -0.5f, -0.25f, 0.25f, 0.5f)
            .Int64s("split", 0, 0, 2, 2).Int64s("merge", 0, 0, 4).Scalar("root", 1.4142135f)
            .Node("MatMul", ["x", "wq"], "qp").Node("Add", ["qp", "bq"], "q")
            .Node("MatMul", ["x", "wk"], "kp").Node("Add", ["kp", "bk"], kActivation ? "kb" : "k")
            .Node("MatMul", [vInput, "wv"], "vp").Node("Add", ["vp", "bv"], "v");
        if (kActivation)
        {
            model.Node("Relu", ["kb"], "k");
        }

        return model.Node("Reshape", ["q", "split"], "q4").Node("Transpose", ["q4"], "qh", ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("Reshape", ["k", "split"], "k4").Node("Transpose", ["k4"], "kh", ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("Reshape", ["v", "split"], "v4").Node("Transpose", ["v4"], "vh", ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("MatMul", ["qh", "kh"], "scores").Node("Div", ["scores", "root"], "scaled").Node("Add", ["scaled", "mask"], "biased")
            .Node("Softmax", ["biased"], "p", ("axis", -1L)).Node("MatMul", ["p", "vh"], "ctx")
            .Node("Transpose", ["ctx"], "ctx4", ("perm", new long[] { 0, 2, 1, 3 })).Node("Reshape", ["ctx4", "merge"], "y").Output("y");
    }

    [Fact]
    public void Run_ThreeProjectionsOfOneX_BecomeOneProductTheAttentionReadsPacked()
    {
        var log = new CompileLog();

        var graph = Model().Run(log, Pipeline);

        Assert.Equal(["strata.Dense", "strata.Attention"], TestGraphBuilder.Ops(graph));
        var (dense, attention) = (graph.Nodes[0], graph.Nodes[1]);
        Assert.Equal("x", dense.Input(0)!.Name);
        Assert.Equal("[batch, sequence, 12]", dense.Output.Shape!.ToString());
        Assert.Equal(string.Empty, dense.Attributes.String("activation", "?"));
        Assert.True(graph.TryGetConstant(dense.Input(1), out var w));
        Assert.Equal([12L, 3L], w.Dims);
        // Row j of the stacked [N, K] weight is column j of wq, then of wk, then of wv.
        Assert.Equal([1f, 5, 9, 2, 6, 10], w.As<float>()[..6].ToArray());
        Assert.Equal([-1f, -5, -9], w.As<float>().Slice(12, 3).ToArray());
        Assert.Equal([12f, 8, 4], w.As<float>().Slice(24, 3).ToArray());
        Assert.True(graph.TryGetConstant(dense.Input(2), out var b));
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f, 1, 2, 3, 4, -0.5f, -0.25f, 0.25f, 0.5f], b.As<float>().ToArray());
        Assert.Equal([dense.Output.Name, null, null, "mask"], attention.Inputs.Select(i => i?.Name));
        Assert.Equal("[batch, sequence, 4]", attention.Output.Shape!.ToString());
        Assert.Contains(log.Entries, e => e.Pass == FuseQkv.PassName
            && e.Message == "fused 1 q/k/v projection triples into one [12, 3] Dense each (the attention reads q, k and v from its rows)");
        Assert.DoesNotContain(graph.ConstantValues.Values, c => c.Name is "wq.T" or "wk.T" or "wv.T"); // the separate weights are gone
    }

    [Fact]
    public void Run_ValuesFromAnotherInput_ActivationOrSharedProjection_IsNotFused()
    {
        var otherX = Model(vInput: "x2").Run(new CompileLog(), Pipeline);
        var activation = Model(kActivation: true).Run(new CompileLog(), Pipeline);
        var shared = Model().Output("q").Run(new CompileLog(), Pipeline);

        foreach (var graph in new[] { otherX, activation, shared })
        {
            Assert.Equal(3, graph.Nodes.Count(n => n.IsStrata(StrataOps.Dense)));
            var attention = Assert.Single(graph.Nodes, n => n.IsStrata(StrataOps.Attention));
            Assert.NotNull(attention.Input(1));
        }
    }
}
