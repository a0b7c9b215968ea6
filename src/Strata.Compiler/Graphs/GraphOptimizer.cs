// The optimization pipelines, as lists: for imported graphs types first, then folding and cleanup, then fusions from the
// innermost pattern out (Gelu before Dense swallows it as an activation; residual adds into the finished Dense; an
// attention's q, k, v projections into one product last), then types and cleanup once more; for the GGUF decoder builders'
// graphs (already fused as the runner executes them) the shared types and cleanup.
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
        (FuseResidual.PassName, FuseResidual.Run),
        (FuseQkv.PassName, FuseQkv.Run),
        (ShapeInference.PassName, ShapeInference.Run),
        (DeadCodeElimination.PassName, DeadCodeElimination.Run),
    ];

    /// <summary>The passes a decoder graph (<see cref="DecoderOps"/>) runs, in order: types (and their checks), dead code, duplicates.</summary>
    public static IReadOnlyList<(string Name, Func<OpGraph, CompileLog, OpGraph> Run)> DecoderPasses { get; } =
    [
        (ShapeInference.PassName, ShapeInference.Run),
        (DeadCodeElimination.PassName, DeadCodeElimination.Run),
        (CommonSubexpressionElimination.PassName, CommonSubexpressionElimination.Run),
    ];

    /// <summary>The optimized graph; every pass writes what it changed to <paramref name="log"/>.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log) => Run(graph, log, Passes);

    /// <summary>The graph after <paramref name="passes"/>; every pass writes what it changed to <paramref name="log"/>.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log, IReadOnlyList<(string Name, Func<OpGraph, CompileLog, OpGraph> Run)> passes)
    {
        ArgumentNullException.ThrowIfNull(passes);
        foreach (var (_, run) in passes)
        {
            graph = run(graph, log);
        }

        return graph;
    }
}
