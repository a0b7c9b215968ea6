// Pass: matrix products with a constant weight → strata.Dense(x, wᵀ, bias) {activation}. Rules:
//   Add(MatMul(x, W[K,N]), b[N])  (either order) [→ Gelu | Relu | Tanh, its only reader]  → Dense(x, Wt, b) {activation}
//   MatMul(x, W[K,N])                                                                     → Dense(x, Wt, _)
//   Gemm(x[M,K], W, C[N] | C[1,N]) {alpha = beta = 1, transA = 0}                         → Dense(x, transB ? W : Wt, C)
// Wt[N,K] is a NEW pinned constant holding W transposed (the runtime's kernels read rows of K); a transB Gemm weight
// already is [N,K] and stays mapped. A weight shared by several products is transposed once.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Dense fusion.</summary>
public static class FuseDense
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-dense";

    /// <summary>The graph with dense layers fused.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        var transposed = new Dictionary<int, TensorValue>();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in editor.Nodes())
        {
            if (!editor.Contains(node) || !(node.Is("MatMul") || node.Is("Gemm")) || !TryMatch(node, editor, transposed, out var pattern, out var dense))
            {
                continue;
            }

            editor.Replace(pattern, dense);
            string kind = $"{string.Join('+', pattern.Select(p => p.Op))}";
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }

        log.Write(PassName, $"fused {counts.Values.Sum()} Dense ({string.Join(", ", counts.Select(c => $"{c.Value} from {c.Key}"))}); "
            + $"{transposed.Count} weights transposed into new [N, K] constants");
        return editor.ToGraph();
    }

    private static bool TryMatch(OpNode product, GraphEditor g, Dictionary<int, TensorValue> transposed, out List<OpNode> pattern, out OpNode dense)
    {
        pattern = [product];
        dense = null!;
        if (product.Input(0) is not { Shape.Rank: > 0 } x || product.Input(1) is not { } w || !g.TryGetConstant(w, out var weight)
            || weight.Type != DType.F32 || weight.Dims.Count != 2 || x.Type != DType.F32)
        {
            return false;
        }

        TensorValue? bias = null;
        TensorValue wt;
        if (product.Is("Gemm"))
        {
            if (product.Attributes.Float("alpha", 1) != 1 || product.Attributes.Float("beta", 1) != 1 || product.Attributes.Int("transA", 0) != 0)
            {
                return false;
            }

            bool transB = product.Attributes.Int("transB", 0) != 0;
            long n = transB ? weight.Dims[0] : weight.Dims[1];
            if (x.Shape![-1] != Dim.Of(transB ? weight.Dims[1] : weight.Dims[0]))
            {
                return false;
            }

            bias = product.Input(2);
            if (bias is not null && !(g.TryGetConstant(bias, out var c) && c.Type == DType.F32 && c.ElementCount == n && c.Dims[^1] == n))
            {
                return false;
            }

            wt = transB ? w : Transposed(w, weight, g, transposed);
        }
        else
        {
            if (x.Shape![-1] != Dim.Of(weight.Dims[0]))
            {
                return false;
            }

            wt = Transposed(w, weight, g, transposed);
            if (g.IsPrivate(product.Output) && g.Consumers(product.Output) is [{ } add] && add.Is("Add")
                && PatternMatch.TryConstantOperand(add, g, out var b, out var biasData, out _) && biasData.Type == DType.F32
                && biasData.Dims.Count == 1 && biasData.Dims[0] == weight.Dims[1])
            {
                bias = b;
                pattern.Add(add);
            }
        }

        string activation = Activation(pattern[^1].Output, g, out var act);
        if (act is not null)
        {
            pattern.Add(act);
        }

        dense = new OpNode(product.Name, StrataOps.Dense, StrataOps.Domain, [x, wt, bias], [pattern[^1].Output],
            AttributeSet.Empty.With("activation", AttributeValue.Of(activation)));
        return true;
    }

    // The activation that is the only reader of the product: strata.Gelu → "gelu", Relu → "relu", Tanh → "tanh".
    private static string Activation(TensorValue output, GraphEditor g, out OpNode? activation)
    {
        activation = g.IsPrivate(output) && g.Consumers(output) is [{ } reader] ? reader : null;
        string name = activation switch
        {
            { } a when a.IsStrata(StrataOps.Gelu) => "gelu",
            { } a when a.Is("Relu") => "relu",
            { } a when a.Is("Tanh") => "tanh",
            _ => string.Empty,
        };
        activation = name.Length == 0 ? null : activation;
        return name;
    }

    private static TensorValue Transposed(TensorValue w, TensorData weight, GraphEditor g, Dictionary<int, TensorValue> transposed)
    {
        if (transposed.TryGetValue(w.Id, out var done))
        {
            return done;
        }

        int k = checked((int)weight.Dims[0]), n = checked((int)weight.Dims[1]);
        var source = weight.As<float>();
        var rows = new float[(long)n * k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                rows[((long)j * k) + i] = source[(i * n) + j];
            }
        }

        var value = g.AddConstant($"{w.Name}.T", TensorData.FromFloats([n, k], rows));
        transposed[w.Id] = value;
        return value;
    }
}
