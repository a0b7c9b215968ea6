// Pass: layer normalization over the last axis → strata.LayerNorm(x, scale, bias) {epsilon}. The exported form:
//   mean = ReduceMean(x, [-1]);  d = x − mean;  var = ReduceMean(d² | d·d, [-1]);
//   y = d / Sqrt(var + eps) · gamma + beta                         (Mul and Add with either operand order)
// and ONNX's LayerNormalization(x, scale, bias) {axis = −1} when only its first output is used.
// Every intermediate must be used only inside the pattern (d by exactly its square and the division).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>LayerNorm fusion.</summary>
public static class FuseLayerNorm
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-layernorm";

    /// <summary>The graph with layer normalizations fused.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        int fromPattern = 0, fromOnnx = 0;
        foreach (var node in editor.Nodes())
        {
            if (!editor.Contains(node))
            {
                continue;
            }

            if (node.Is("Add") && TryMatchExported(node, editor, out var pattern, out var fused))
            {
                editor.Replace(pattern, fused);
                fromPattern++;
            }
            else if (node.Is("LayerNormalization") && TryMatchOnnx(node, editor, out fused))
            {
                editor.Replace([node], fused);
                fromOnnx++;
            }
        }

        log.Write(PassName, $"fused {fromPattern + fromOnnx} LayerNorm ({fromPattern} from ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add, "
            + $"{fromOnnx} from LayerNormalization)");
        return editor.ToGraph();
    }

    private static bool TryMatchExported(OpNode addBeta, GraphEditor g, out List<OpNode> pattern, out OpNode fused)
    {
        pattern = [];
        fused = null!;
        if (!PatternMatch.TryConstantOperand(addBeta, g, out var beta, out var betaData, out var scaled)
            || g.Producer(scaled, "Mul") is not { } mulGamma || !g.IsPrivate(scaled)
            || !PatternMatch.TryConstantOperand(mulGamma, g, out var gamma, out var gammaData, out var normalized)
            || g.Producer(normalized, "Div") is not { } div || !g.IsPrivate(normalized)
            || div.Inputs[0] is not { } d || g.Producer(div.Inputs[1], "Sqrt") is not { } sqrt || !g.IsPrivate(sqrt.Output)
            || g.Producer(sqrt.Inputs[0], "Add") is not { } addEps || !g.IsPrivate(addEps.Output)
            || !PatternMatch.TryConstantOperand(addEps, g, out _, out var epsData, out var variance) || !PatternMatch.TryScalar(epsData, out float epsilon)
            || g.Producer(variance, "ReduceMean") is not { } meanOfSquares || !PatternMatch.IsLastAxisMean(meanOfSquares) || !g.IsPrivate(variance)
            || !TryMatchSquare(g, meanOfSquares.Inputs[0], d, out var square)
            || g.Producer(d, "Sub") is not { } sub || g.Uses(d) != (square.Is("Mul") ? 3 : 2)
            || g.Producer(sub.Inputs[1], "ReduceMean") is not { } mean || !PatternMatch.IsLastAxisMean(mean) || !g.IsPrivate(mean.Output)
            || sub.Inputs[0] is not { } x || mean.Inputs[0]?.Id != x.Id
            || !PatternMatch.IsVectorOfLastDim(gammaData, x) || !PatternMatch.IsVectorOfLastDim(betaData, x))
        {
            return false;
        }

        pattern = [mean, sub, square, meanOfSquares, addEps, sqrt, div, mulGamma, addBeta];
        fused = LayerNorm(addBeta.Name, x, gamma, beta, epsilon, addBeta.Output);
        return true;
    }

    // d² as Pow(d, 2) or Mul(d, d), used only by the variance's mean.
    private static bool TryMatchSquare(GraphEditor g, TensorValue? squared, TensorValue d, out OpNode square)
    {
        square = null!;
        if (squared is null || !g.IsPrivate(squared) || g.Producer(squared) is not { } node || node.Input(0)?.Id != d.Id)
        {
            return false;
        }

        square = node;
        if (node.Is("Mul"))
        {
            return node.Input(1)?.Id == d.Id;
        }

        return node.Is("Pow") && g.TryGetConstant(node.Input(1), out var exponent) && PatternMatch.TryScalar(exponent, out float p) && p == 2;
    }

    private static bool TryMatchOnnx(OpNode node, GraphEditor g, out OpNode fused)
    {
        fused = null!;
        if (node.Input(0) is not { Shape: { Rank: > 0 } shape } x || node.Input(1) is not { } scale || node.Input(2) is not { } bias
            || node.Attributes.Int("axis", -1) is var axis && axis != -1 && axis != shape.Rank - 1
            || node.Outputs.Skip(1).Any(o => g.Uses(o) > 0)
            || !g.TryGetConstant(scale, out var s) || !PatternMatch.IsVectorOfLastDim(s, x)
            || !g.TryGetConstant(bias, out var b) || !PatternMatch.IsVectorOfLastDim(b, x))
        {
            return false;
        }

        fused = LayerNorm(node.Name, x, scale, bias, node.Attributes.Float("epsilon", 1e-5f), node.Output);
        return true;
    }

    private static OpNode LayerNorm(string name, TensorValue x, TensorValue scale, TensorValue bias, float epsilon, TensorValue output) =>
        new(name, StrataOps.LayerNorm, StrataOps.Domain, [x, scale, bias], [output], AttributeSet.Empty.With("epsilon", AttributeValue.Of(epsilon)));
}
