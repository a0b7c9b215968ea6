// The name rules of an ONNX graph (https://onnx.ai/onnx/repo-docs/IR.html#names-within-a-graph): every value is defined
// once (graph input, initializer or node output), every node input is defined before its node (topological order; an
// empty name is an omitted optional input), every graph output is defined. Subgraphs also see their outer graphs' names.
namespace Strata.Compiler.Onnx;

/// <summary>Checks value definitions and order in a graph and its subgraphs.</summary>
internal sealed class OnnxGraphValidator(string source)
{
    /// <summary>Throws <see cref="OnnxFormatException"/> at the first broken rule of <paramref name="graph"/>.</summary>
    public void Validate(OnnxGraph graph, string path) => Validate(graph, path, new HashSet<string>(StringComparer.Ordinal));

    private void Validate(OnnxGraph graph, string path, HashSet<string> outer)
    {
        var defined = new HashSet<string>(outer, StringComparer.Ordinal);
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            if (!inputs.Add(graph.Inputs[i].Name))
            {
                throw Error($"{path}.input[{i}] '{graph.Inputs[i].Name}'", "the name is given to another graph input before it");
            }
        }

        var initializers = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Initializers.Count; i++)
        {
            string name = graph.Initializers[i].Name;
            if (name.Length == 0 || !initializers.Add(name))
            {
                throw Error($"{path}.initializer[{i}] '{name}'", name.Length == 0 ? "has no name" : "the name is given to another initializer before it");
            }
        }

        defined.UnionWith(inputs);
        defined.UnionWith(initializers);
        var producers = Producers(graph, path, defined);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            string where = $"{path}.node[{i}] ({node.OpType} '{node.Name}')";
            foreach (string input in node.Inputs)
            {
                if (input.Length > 0 && !defined.Contains(input))
                {
                    throw Error(where, !producers.TryGetValue(input, out int later) ? $"input '{input}' is produced by no node, initializer or graph input"
                        : later == i ? $"input '{input}' is its own output (a cycle)"
                        : $"input '{input}' is produced by {path}.node[{later}] ({graph.Nodes[later].OpType} '{graph.Nodes[later].Name}'), which comes after it: nodes must be in topological order");
                }
            }

            foreach (var attribute in node.Attributes)
            {
                ValidateSubgraphs(attribute, $"{where}.attribute '{attribute.Name}'", defined);
            }

            foreach (string output in node.Outputs)
            {
                if (output.Length > 0)
                {
                    defined.Add(output);
                }
            }
        }

        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            if (!defined.Contains(graph.Outputs[i].Name))
            {
                throw Error($"{path}.output[{i}] '{graph.Outputs[i].Name}'", "is produced by no node, initializer or graph input");
            }
        }
    }

    private void ValidateSubgraphs(OnnxAttribute attribute, string where, HashSet<string> visible)
    {
        if (attribute.Graph is not null)
        {
            Validate(attribute.Graph, $"{where}.g", visible);
        }

        for (int i = 0; i < attribute.Graphs.Count; i++)
        {
            Validate(attribute.Graphs[i], $"{where}.graphs[{i}]", visible);
        }
    }

    // Which node produces each value; a value produced twice, or produced by a node and also an input or initializer, is an error.
    private Dictionary<string, int> Producers(OnnxGraph graph, string path, HashSet<string> definedBefore)
    {
        var producers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            foreach (string output in node.Outputs)
            {
                if (output.Length == 0)
                {
                    continue;
                }

                string where = $"{path}.node[{i}] ({node.OpType} '{node.Name}')";
                if (producers.TryGetValue(output, out int first))
                {
                    throw Error(where, $"output '{output}' is already produced by {path}.node[{first}] ({graph.Nodes[first].OpType} '{graph.Nodes[first].Name}')");
                }

                if (definedBefore.Contains(output))
                {
                    throw Error(where, $"output '{output}' is already defined as a graph input, an initializer or an outer graph's value");
                }

                producers.Add(output, i);
            }
        }

        return producers;
    }

    private OnnxFormatException Error(string where, string problem) => new(source, where, problem);
}
