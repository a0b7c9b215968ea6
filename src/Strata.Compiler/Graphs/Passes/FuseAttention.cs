// Pass: multi-head scaled dot-product attention in its BERT export form → strata.Attention(q, k, v, bias) {heads, scale}:
//   qh = Transpose(Reshape(q, [B,S,H,D]), 0,2,1,3)     kh = Transpose(Reshape(k, [B,S,H,D]), 0,2,3,1)
//   vh = Transpose(Reshape(v, [B,S,H,D]), 0,2,1,3)     s  = MatMul(qh, kh) / c   (or · c)
//   p  = Softmax(s [+ mask], −1)                      y  = Reshape(Transpose(MatMul(p, vh), 0,2,1,3), [B,S,H·D])
// with q, k, v [B,S,H·D]; scale = 1/c (or c). The mask must hold B·S elements laid out [batch][sequence]: shape [B,S] or
// [B,1,1,S] (MiniLM's); the Attention node reads it as it is (same bytes), see StrataOps.Attention. No mask: bias omitted.
// Every intermediate must be used only inside the pattern.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Attention fusion.</summary>
public static class FuseAttention
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-attention";

    /// <summary>The graph with attention fused.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        int masked = 0, unmasked = 0;
        foreach (var node in editor.Nodes())
        {
            if (editor.Contains(node) && node.Is("Reshape") && TryMatch(node, editor, out var pattern, out var attention))
            {
                editor.Replace(pattern, attention);
                (attention.Input(3) is null ? ref unmasked : ref masked)++;
            }
        }

        log.Write(PassName, $"fused {masked + unmasked} Attention ({masked} with an additive mask, {unmasked} without) "
            + "from Reshape/Transpose ×3, MatMul, Div, Add, Softmax, MatMul, Transpose, Reshape");
        return editor.ToGraph();
    }

    private static bool TryMatch(OpNode merge, GraphEditor g, out List<OpNode> pattern, out OpNode attention)
    {
        pattern = [];
        attention = null!;
        if (merge.Output.Shape is not { Rank: 3 } outShape
            || !TryPrivate(g, merge.Input(0), "Transpose", out var unpermute) || !IsPerm(unpermute, 0, 2, 1, 3)
            || !TryPrivate(g, unpermute.Input(0), "MatMul", out var context)
            || !TryPrivate(g, context.Input(0), "Softmax", out var softmax) || softmax.Attributes.Int("axis", -1) is not (-1 or 3)
            || !TryScoresAndMask(g, softmax.Input(0), out var scaling, out var maskAdd, out var mask, out float scale)
            || !TryPrivate(g, scaling.Input(0), "MatMul", out var scores)
            || !TryHead(g, scores.Input(0), [0, 2, 1, 3], out var qSplit, out var q, out int heads)
            || !TryHead(g, scores.Input(1), [0, 2, 3, 1], out var kSplit, out var k, out int kHeads)
            || !TryHead(g, context.Input(1), [0, 2, 1, 3], out var vSplit, out var v, out int vHeads)
            || heads != kHeads || heads != vHeads || !SameShape(q, k, v, outShape) || (mask is not null && !IsKeyMask(mask, outShape)))
        {
            return false;
        }

        pattern = [.. qSplit, .. kSplit, .. vSplit, scores, scaling];
        if (maskAdd is not null)
        {
            pattern.Add(maskAdd);
        }

        pattern.AddRange([softmax, context, unpermute, merge]);
        var attributes = AttributeSet.Empty.With("heads", AttributeValue.Of((long)heads)).With("scale", AttributeValue.Of(scale));
        attention = new OpNode(merge.Name, StrataOps.Attention, StrataOps.Domain, [q, k, v, mask], [merge.Output], attributes);
        return true;
    }

    // Softmax input = (scores / c | scores · c) [+ mask, either order].
    private static bool TryScoresAndMask(GraphEditor g, TensorValue? input, out OpNode scaling, out OpNode? maskAdd, out TensorValue? mask, out float scale)
    {
        scaling = null!;
        maskAdd = null;
        mask = null;
        scale = 0;
        if (input is null || !g.IsPrivate(input) || g.Producer(input) is not { } producer)
        {
            return false;
        }

        if (producer.Is("Add") && producer.Inputs.Count == 2)
        {
            int side = g.Producer(producer.Inputs[0]) is { } a && (a.Is("Div") || a.Is("Mul")) && g.IsPrivate(producer.Inputs[0]!) ? 0 : 1;
            maskAdd = producer;
            mask = producer.Inputs[1 - side];
            producer = g.Producer(producer.Inputs[side])!;
            if (producer is null || !g.IsPrivate(producer.Output))
            {
                return false;
            }
        }

        if (!(producer.Is("Div") || producer.Is("Mul")) || !g.TryGetConstant(producer.Input(1), out var c) || !PatternMatch.TryScalar(c, out float factor))
        {
            return false;
        }

        scaling = producer;
        scale = producer.Is("Div") ? 1 / factor : factor;
        return true;
    }

    // Transpose(Reshape(x, [B,S,H,D]), perm) with both private; x is the head-merged input [B,S,H·D].
    private static bool TryHead(GraphEditor g, TensorValue? value, long[] perm, out OpNode[] nodes, out TensorValue x, out int heads)
    {
        nodes = [];
        x = null!;
        heads = 0;
        if (!TryPrivate(g, value, "Transpose", out var transpose) || !IsPerm(transpose, perm)
            || !TryPrivate(g, transpose.Input(0), "Reshape", out var split) || split.Output.Shape is not { Rank: 4 } s || !s[2].IsKnown || !s[3].IsKnown
            || split.Input(0) is not { Shape: { Rank: 3 } xs } input || xs[0] != s[0] || xs[1] != s[1] || xs[2] != Dim.Of(s[2].Factor * s[3].Factor))
        {
            return false;
        }

        nodes = [split, transpose];
        x = input;
        heads = (int)s[2].Factor;
        return true;
    }

    private static bool TryPrivate(GraphEditor g, TensorValue? value, string op, out OpNode node)
    {
        node = null!;
        return value is not null && g.IsPrivate(value) && g.Producer(value, op) is { } found && (node = found) is not null;
    }

    private static bool IsPerm(OpNode transpose, params long[] perm) => transpose.Attributes.Ints("perm") is { } p && p.SequenceEqual(perm);

    private static bool SameShape(TensorValue q, TensorValue k, TensorValue v, TensorShape output) =>
        Equals(q.Shape, output) && Equals(k.Shape, output) && Equals(v.Shape, output);

    // [B,S] or [B,1,1,S] for the batch and sequence of the output [B,S,H·D].
    private static bool IsKeyMask(TensorValue mask, TensorShape output) => mask.Shape switch
    {
        { Rank: 2 } m => m[0] == output[0] && m[1] == output[1],
        { Rank: 4 } m => m[0] == output[0] && m[1] == Dim.Of(1) && m[2] == Dim.Of(1) && m[3] == output[1],
        _ => false,
    };
}
