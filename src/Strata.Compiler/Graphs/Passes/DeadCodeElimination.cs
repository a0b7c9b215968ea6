// Pass: removes nodes and constants that nothing reaching a graph output or a side effect (a KV-cache write) uses (graph
// inputs stay: callers feed them).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Dead node and constant removal.</summary>
public static class DeadCodeElimination
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "dead-code";

    /// <summary>The graph without dead nodes and constants.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var live = new HashSet<int>();
        foreach (var v in graph.Outputs)
        {
            live.Add(v.Id);
        }

        var kept = new List<OpNode>(graph.Nodes.Count);
        var removed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int n = graph.Nodes.Count - 1; n >= 0; n--)
        {
            var node = graph.Nodes[n];
            if (!DecoderOps.HasSideEffect(node) && !node.Outputs.Any(o => live.Contains(o.Id)))
            {
                removed[node.Op] = removed.GetValueOrDefault(node.Op) + 1;
                continue;
            }

            kept.Add(node);
            foreach (var input in node.Inputs)
            {
                if (input is not null)
                {
                    live.Add(input.Id);
                }
            }
        }

        kept.Reverse();
        var constants = graph.Constants.Where(c => live.Contains(c.Key)).ToDictionary();
        var constantValues = graph.ConstantValues.Where(c => live.Contains(c.Key)).ToDictionary();
        int deadConstants = graph.ConstantValues.Count - constantValues.Count;
        long deadBytes = graph.Constants.Where(c => !live.Contains(c.Key)).Sum(c => c.Value.ByteLength);
        string which = removed.Count == 0 ? string.Empty : $" ({string.Join(", ", removed.Select(r => $"{r.Key} {r.Value}"))})";
        log.Write(PassName, $"removed {graph.Nodes.Count - kept.Count} nodes{which} "
            + $"and {deadConstants} constants ({deadBytes} bytes); {kept.Count} nodes and {constantValues.Count} constants remain");
        return graph with { Nodes = kept, Constants = constants, ConstantValues = constantValues };
    }
}
