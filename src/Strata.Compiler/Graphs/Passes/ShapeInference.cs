// Pass: gives every value its element type and symbolic shape, node by node in execution order, by the rules in ShapeRules.
// A node no rule knows keeps what its outputs had (value_info's declaration, or unknown): never an error. A decoder node whose
// inputs contradict its attributes is one (ShapeRules.Decoder: CompileException naming the node).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Infers dtypes and symbolic shapes.</summary>
public static class ShapeInference
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "shape-inference";

    /// <summary>A graph whose values carry inferred types and shapes.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var current = new ValueMap(graph);
        var nodes = new List<OpNode>(graph.Nodes.Count);
        var unknownOps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            var typed = current.Refresh(node);
            if (!current.Infer(ref typed, graph.Constants))
            {
                unknownOps.Add(typed.Domain.Length == 0 ? typed.Op : $"{typed.Domain}.{typed.Op}");
            }

            nodes.Add(typed);
        }

        var result = graph with { Nodes = nodes, Outputs = current.Refresh(graph.Outputs) };
        var (known, total) = CountKnown(result);
        log.Write(PassName, $"{known} of {total} values have fully known symbolic shapes"
            + (unknownOps.Count == 0 ? string.Empty : $"; no rule for {string.Join(", ", unknownOps)} (outputs keep their declared types)"));
        return result;
    }

    /// <summary>Values (inputs and node outputs) whose shape has a known rank and no unknown dim, and all of them.</summary>
    public static (int Known, int Total) CountKnown(OpGraph graph)
    {
        int known = 0, total = 0;
        void Count(TensorValue v)
        {
            total++;
            known += v.Shape is { HasUnknown: false } && v.Type != DType.Unknown ? 1 : 0;
        }

        foreach (var v in graph.Inputs)
        {
            Count(v);
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var v in node.Outputs)
            {
                Count(v);
            }
        }

        return (known, total);
    }
}
