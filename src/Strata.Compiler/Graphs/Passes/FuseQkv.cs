// Pass: the three projections of an attention's queries, keys and values as one matrix product. Rule:
//   Attention(Dense(x, Wq, bq), Dense(x, Wk, bk), Dense(x, Wv, bv), mask)
//     → Attention(Dense(x, [Wq; Wk; Wv], [bq; bk; bv]), _, _, mask)
// when the three Dense read the same x, have constant f32 weights of one shape [W, K], all constant biases or none, no
// activation and no residual, and each output is read by that attention alone. The new product's rows hold q | k | v side
// by side ([..., 3W]); the attention reads them there (StrataOps.Attention's packed form). Every output value is the sum
// of the same products in the same order as before, so nothing changes but one pass over x instead of three.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Query, key and value projection grouping.</summary>
public static class FuseQkv
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-qkv";

    /// <summary>The graph with each attention's q, k and v projections made one product.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        int fused = 0;
        var shapes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in editor.Nodes())
        {
            if (!editor.Contains(node) || !node.IsStrata(StrataOps.Attention) || !TryMatch(node, editor, out var projections))
            {
                continue;
            }

            var w = Weight(projections[0], editor);
            shapes.Add($"[{3 * w.Dims[0]}, {w.Dims[1]}]");
            Fuse(node, projections, editor);
            fused++;
        }

        string into = shapes.Count == 0 ? string.Empty : " " + string.Join(" or ", shapes);
        log.Write(PassName, $"fused {fused} q/k/v projection triples into one{into} Dense each (the attention reads q, k and v from its rows)");
        return editor.ToGraph();
    }

    private static bool TryMatch(OpNode attention, GraphEditor g, out OpNode[] projections)
    {
        projections = new OpNode[3];
        if (attention.Inputs.Count < 3)
        {
            return false;
        }

        for (int i = 0; i < 3; i++)
        {
            if (attention.Input(i) is not { } value || !g.IsPrivate(value) || g.Producer(value) is not { } dense || !dense.IsStrata(StrataOps.Dense)
                || dense.Attributes.String("activation", string.Empty).Length != 0 || dense.Input(3) is not null
                || !g.TryGetConstant(dense.Input(1), out var w) || w.Type != DType.F32 || w.Dims.Count != 2
                || (dense.Input(2) is { } b && !(g.TryGetConstant(b, out var bias) && bias.Type == DType.F32 && bias.ElementCount == w.Dims[0])))
            {
                return false;
            }

            projections[i] = dense;
        }

        var first = projections[0];
        var firstWeight = Weight(first, g);
        for (int i = 1; i < 3; i++)
        {
            var w = Weight(projections[i], g);
            if (projections[i].Input(0)?.Id != first.Input(0)?.Id || w.Dims[0] != firstWeight.Dims[0] || w.Dims[1] != firstWeight.Dims[1]
                || (projections[i].Input(2) is null) != (first.Input(2) is null))
            {
                return false;
            }
        }

        return first.Output.Shape is { Rank: > 0 } shape && shape[-1] == Dim.Of(firstWeight.Dims[0]);
    }

    private static void Fuse(OpNode attention, OpNode[] projections, GraphEditor g)
    {
        var w = Weight(projections[0], g);
        long n = w.Dims[0], k = w.Dims[1];
        var weights = new float[checked(3 * n * k)];
        float[]? biases = projections[0].Input(2) is null ? null : new float[3 * n];
        for (int i = 0; i < 3; i++)
        {
            Weight(projections[i], g).As<float>().CopyTo(weights.AsSpan(checked((int)(i * n * k))));
            if (biases is not null && g.TryGetConstant(projections[i].Input(2), out var bias))
            {
                bias.As<float>().CopyTo(biases.AsSpan(checked((int)(i * n))));
            }
        }

        var q = projections[0];
        var dims = q.Output.Shape!.Dims.ToArray();
        dims[^1] = Dim.Of(3 * n);
        var packed = g.AddValue(q.Output.Name + ".qkv", DType.F32, new TensorShape(dims));
        var weight = g.AddConstant(q.Input(1)!.Name + ".qkv", TensorData.FromFloats([3 * n, k], weights));
        var packedBias = biases is null ? null : g.AddConstant(q.Input(2)!.Name + ".qkv", TensorData.FromFloats([3 * n], biases));
        var product = new OpNode(q.Name + ".qkv", StrataOps.Dense, StrataOps.Domain, [q.Input(0), weight, packedBias], [packed], q.Attributes);
        g.Replace([attention], attention with { Inputs = [packed, null, null, attention.Input(3)] });
        g.Replace(projections, product, FirstInGraph(projections, g));
    }

    // The projection that runs first: the product takes its slot (x is produced before all three).
    private static OpNode FirstInGraph(OpNode[] projections, GraphEditor g)
    {
        var nodes = g.Nodes();
        int best = int.MaxValue;
        foreach (var p in projections)
        {
            best = Math.Min(best, nodes.FindIndex(n => ReferenceEquals(n, p)));
        }

        return nodes[best];
    }

    private static TensorData Weight(OpNode dense, GraphEditor g) =>
        g.TryGetConstant(dense.Input(1), out var w) ? w : throw new InvalidOperationException("Dense without a constant weight");
}
