// Pass: drop nodes whose results reach neither the graph output nor a side effect (x unused -> removed).
using Strata.Compiler.Ir;

namespace Strata.Compiler.Passes;

/// <summary>Removes dead nodes, keeping execution order.</summary>
public static class DeadCodeElimination
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "dead-code";

    /// <summary>Returns the graph without dead nodes.</summary>
    public static Graph Run(Graph graph, CompileLog log)
    {
        var live = new HashSet<int> { graph.Output.Id };
        var keep = new bool[graph.Nodes.Count];
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.HasSideEffect && !live.Contains(node.Output.Id))
            {
                continue;
            }

            keep[i] = true;
            foreach (var input in node.Inputs)
            {
                live.Add(input.Id);
            }
        }

        var nodes = new List<Node>(graph.Nodes.Count);
        for (int i = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                nodes.Add(graph.Nodes[i]);
            }
        }

        log.Write(Name, $"removed {graph.Nodes.Count - nodes.Count} of {graph.Nodes.Count} nodes");
        return graph with { Nodes = nodes };
    }
}
