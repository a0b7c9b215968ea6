// Pass: a residual connection read straight from a matrix product's tiles. Rule:
//   Add(Dense(x, w, b){act}, r)  (either order; r not a constant, of the Dense output's type and exact shape; the Dense
//   output read by nothing else)  →  Dense(x, w, b, r){act}  computing act(x · wᵀ + b) + r
// The sum is the same IEEE addition the Add did (addition commutes exactly), so the values do not change; the pass saves
// one pass over the activations and one step per residual. Decoder graphs do not run it (their runner keeps its own Add).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Residual fusion into Dense.</summary>
public static class FuseResidual
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "fuse-residual";

    /// <summary>The graph with residual additions fused into the Dense that feeds them.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var editor = new GraphEditor(graph);
        int fused = 0;
        foreach (var node in editor.Nodes())
        {
            if (editor.Contains(node) && node.IsStrata(StrataOps.Dense) && TryMatch(node, editor, out var add, out var dense))
            {
                editor.Replace([node, add], dense);
                fused++;
            }
        }

        log.Write(PassName, $"fused {fused} residual Add into Dense");
        return editor.ToGraph();
    }

    private static bool TryMatch(OpNode product, GraphEditor g, out OpNode add, out OpNode dense)
    {
        add = null!;
        dense = null!;
        if (product.Inputs.Count > 3 || product.Output.Type != DType.F32 || product.Output.Shape is null || !g.IsPrivate(product.Output)
            || g.Consumers(product.Output) is not [{ } reader] || !reader.Is("Add") || reader.Inputs.Count != 2)
        {
            return false;
        }

        var residual = reader.Inputs[0]?.Id == product.Output.Id ? reader.Inputs[1] : reader.Inputs[0];
        if (residual is null || residual.Id == product.Output.Id || g.TryGetConstant(residual, out _) || residual.Type != DType.F32
            || residual.Shape is null || !residual.Shape.Equals(product.Output.Shape) || reader.Output.Shape is null
            || !reader.Output.Shape.Equals(product.Output.Shape))
        {
            return false;
        }

        add = reader;
        dense = product with { Inputs = [product.Inputs[0], product.Inputs[1], product.Input(2), residual], Outputs = [reader.Output] };
        return true;
    }
}
