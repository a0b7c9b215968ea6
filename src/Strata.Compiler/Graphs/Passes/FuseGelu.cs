// Pass: the erf form of GELU → strata.Gelu(x). Exported as
//   e = Erf(x / √2)   (Div by 1.4142135 or Mul by 0.70710677);   a = e + 1;
//   y = (x · a) · 0.5   or   (x · 0.5) · a                       (every Mul and Add with either operand order)
// Every intermediate must be used only inside the pattern.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>GELU fusion.</summary>
public static class FuseGelu
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-gelu";

    /// <summary>The graph with GELUs fused.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        int fused = 0;
        foreach (var node in editor.Nodes())
        {
            if (editor.Contains(node) && node.Is("Mul") && TryMatch(node, editor, out var pattern, out var gelu))
            {
                editor.Replace(pattern, gelu);
                fused++;
            }
        }

        log.Write(PassName, $"fused {fused} Gelu (from Div/Erf/Add/Mul/Mul)");
        return editor.ToGraph();
    }

    private static bool TryMatch(OpNode last, GraphEditor g, out List<OpNode> pattern, out OpNode gelu)
    {
        pattern = [];
        gelu = null!;
        OpNode inner, add;
        TensorValue x;
        if (PatternMatch.TryConstantOperand(last, g, out _, out var half, out var product) && IsHalf(half))
        {
            // (x · a) · 0.5
            if (g.Producer(product, "Mul") is not { } mul || !g.IsPrivate(product) || !TrySplitErfSum(mul, g, out add, out x))
            {
                return false;
            }

            inner = mul;
        }
        else
        {
            // (x · 0.5) · a
            if (last.Inputs.Count != 2 || !TryHalfAndSum(last, 0, g, out inner, out add, out x) && !TryHalfAndSum(last, 1, g, out inner, out add, out x))
            {
                return false;
            }
        }

        if (!PatternMatch.TryConstantOperand(add, g, out _, out var one, out var erfOut) || !PatternMatch.TryScalar(one, out float o) || o != 1
            || g.Producer(erfOut, "Erf") is not { } erf || !g.IsPrivate(erfOut)
            || g.Producer(erf.Inputs[0]) is not { } scale || !g.IsPrivate(erf.Output) || !g.IsPrivate(scale.Output) || !IsDivideBySqrt2(scale, g, x))
        {
            return false;
        }

        pattern = [scale, erf, add, inner, last];
        gelu = new OpNode(last.Name, StrataOps.Gelu, StrataOps.Domain, [x], [last.Output], AttributeSet.Empty);
        return true;
    }

    // mul = x · a (either order) where a = Add(erf, 1) is private.
    private static bool TrySplitErfSum(OpNode mul, GraphEditor g, out OpNode add, out TensorValue x)
    {
        add = null!;
        x = null!;
        for (int side = 0; side < 2; side++)
        {
            if (mul.Inputs.Count == 2 && g.Producer(mul.Inputs[side], "Add") is { } a && g.IsPrivate(a.Output) && mul.Inputs[1 - side] is { } other)
            {
                (add, x) = (a, other);
                return true;
            }
        }

        return false;
    }

    // last = h · a with h = Mul(x, 0.5) at input halfSide and a = Add(erf, 1) at the other.
    private static bool TryHalfAndSum(OpNode last, int halfSide, GraphEditor g, out OpNode half, out OpNode add, out TensorValue x)
    {
        half = add = null!;
        x = null!;
        if (g.Producer(last.Inputs[halfSide], "Mul") is not { } h || !g.IsPrivate(h.Output)
            || !PatternMatch.TryConstantOperand(h, g, out _, out var c, out var input) || !IsHalf(c)
            || g.Producer(last.Inputs[1 - halfSide], "Add") is not { } a || !g.IsPrivate(a.Output))
        {
            return false;
        }

        (half, add, x) = (h, a, input);
        return true;
    }

    private static bool IsHalf(TensorData data) => PatternMatch.TryScalar(data, out float v) && v == 0.5f;

    private static bool IsDivideBySqrt2(OpNode node, GraphEditor g, TensorValue x)
    {
        if (node.Input(0)?.Id != x.Id || !g.TryGetConstant(node.Input(1), out var c) || !PatternMatch.TryScalar(c, out float v))
        {
            return false;
        }

        return (node.Is("Div") && PatternMatch.Near(v, Math.Sqrt(2))) || (node.Is("Mul") && PatternMatch.Near(v, Math.Sqrt(0.5)));
    }
}
