// The optimization pipeline for imported graphs, as one list: types first, then folding and cleanup, then fusions from the
// innermost pattern out (Gelu before Dense swallows it as an activation), then types and cleanup once more.
using Strata.Compiler.Graphs.Passes;

namespace Strata.Compiler.Graphs;

/// <summary>Runs the graph passes in order.</summary>
public static class GraphOptimizer
{
    /// <summary>The passes, in the order they run.</summary>
    public static IReadOnlyList<(string Name, Func<OpGraph, CompileLog, OpGraph> Run)> Passes { get; } =
    [
        (ShapeInference.PassName, ShapeInference.Run),
        (ConstantFolding.PassName, ConstantFolding.Run),
        (DeadCodeElimination.PassName, DeadCodeElimination.Run),
        (CommonSubexpressionElimination.PassName, CommonSubexpressionElimination.Run),
        (FuseLayerNorm.PassName, FuseLayerNorm.Run),
        (FuseGelu.PassName, FuseGelu.Run),
        (FuseDense.PassName, FuseDense.Run),
        (FuseAttention.PassName, FuseAttention.Run),
        (ShapeInference.PassName, ShapeInference.Run),
        (DeadCodeElimination.PassName, DeadCodeElimination.Run),
    ];

    /// <summary>The optimized graph; every pass writes what it changed to <paramref name="log"/>.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        foreach (var (_, run) in Passes)
        {
            graph = run(graph, log);
        }

        return graph;
    }
}
