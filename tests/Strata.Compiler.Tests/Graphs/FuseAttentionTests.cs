// FuseAttention on a small built two-head attention in BERT's export form, with and without a mask.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Tests.Graphs;

public sealed class FuseAttentionTests
{
    // q, k, v [batch, sequence, 4] split into 2 heads of 2; scores / √2 (+ mask [batch, 1, 1, sequence]).
    private static TestGraphBuilder Model(bool masked, object[]? maskDims = null)
    {
        var model = new TestGraphBuilder().Input("q", "batch", "sequence", 4).Input("k", "batch", "sequence", 4).Input("v", "batch", "sequence", 4)
            .Int64s("split", 0, 0, 2, 2).Int64s("merge", 0, 0, 4).Scalar("root", 1.4142135f);
        if (masked)
        {
            model.Input("mask", maskDims ?? ["batch", 1, 1, "sequence"]);
        }

        model.Node("Reshape", ["q", "split"], "q4").Node("Transpose", ["q4"], "qh", ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("Reshape", ["k", "split"], "k4").Node("Transpose", ["k4"], "kh", ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("Reshape", ["v", "split"], "v4").Node("Transpose", ["v4"], "vh", ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("MatMul", ["qh", "kh"], "scores").Node("Div", ["scores", "root"], "scaled");
        if (masked)
        {
            model.Node("Add", ["scaled", "mask"], "biased");
        }

        return model.Node("Softmax", [masked ? "biased" : "scaled"], "p", ("axis", -1L)).Node("MatMul", ["p", "vh"], "ctx")
            .Node("Transpose", ["ctx"], "ctx4", ("perm", new long[] { 0, 2, 1, 3 })).Node("Reshape", ["ctx4", "merge"], "y").Output("y");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_BertForm_BecomesOneAttention(bool masked)
    {
        var log = new CompileLog();

        var graph = Model(masked).Run(log, ShapeInference.Run, FuseAttention.Run);

        var attention = Assert.Single(graph.Nodes);
        Assert.True(attention.IsStrata(StrataOps.Attention));
        Assert.Equal(masked ? ["q", "k", "v", "mask"] : ["q", "k", "v", null], attention.Inputs.Select(i => i?.Name));
        Assert.Equal(2, attention.Attributes.Int("heads", 0));
        Assert.Equal(1 / 1.4142135f, attention.Attributes.Float("scale", 0));
        Assert.Equal("[batch, sequence, 4]", attention.Output.Shape!.ToString());
        Assert.StartsWith($"fused 1 Attention ({(masked ? 1 : 0)} with", log.Entries[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ProbabilitiesAlsoAnOutput_DoesNotFuse()
    {
        var graph = Model(masked: true).Output("p").Run(new CompileLog(), ShapeInference.Run, FuseAttention.Run);

        Assert.DoesNotContain(graph.Nodes, n => n.IsStrata(StrataOps.Attention));
        Assert.Equal(13, graph.Nodes.Count);
    }

    [Fact]
    public void Run_PerQueryMask_DoesNotFuse()
    {
        // A mask [batch, 1, sequence, sequence] differs per query: Attention's bias cannot hold it.
        var graph = Model(masked: true, maskDims: ["batch", 1, "sequence", "sequence"]).Run(new CompileLog(), ShapeInference.Run, FuseAttention.Run);

        Assert.DoesNotContain(graph.Nodes, n => n.IsStrata(StrataOps.Attention));
    }
}
