// Pass: one node per computation and one constant per small value. Rules:
//   c1 ≡ c2 (same type, dims and bytes, ≤ MaxConstantBytes)            → uses of c2 read c1
//   op(x…){a} twice (same op, domain, inputs and attributes)           → uses of the second's outputs read the first's
// A node whose output is a graph output keeps its own output; nodes with tensor attributes or side effects are left alone.
using System.Text;

namespace Strata.Compiler.Graphs.Passes;

/// <summary>Common subexpression elimination.</summary>
public static class CommonSubexpressionElimination
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "cse";

    /// <summary>Constants larger than this are never compared (weights are distinct anyway).</summary>
    public const int MaxConstantBytes = 4096;

    /// <summary>The graph with duplicates merged.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var replace = new Dictionary<int, TensorValue>();
        var constants = new Dictionary<int, TensorData>();
        var constantValues = new Dictionary<int, TensorValue>();
        var seenConstants = new Dictionary<string, TensorValue>(StringComparer.Ordinal);
        foreach (var (id, value) in graph.ConstantValues.OrderBy(c => c.Key))
        {
            if (!graph.Constants.TryGetValue(id, out var data))
            {
                constantValues[id] = value; // an external weight: no bytes to compare, its name is its identity
                continue;
            }

            string? key = data.ByteLength <= MaxConstantBytes ? $"{data.Type}{data.Shape}:{Convert.ToHexString(data.Bytes)}" : null;
            if (key is not null && seenConstants.TryGetValue(key, out var first) && !graph.Outputs.Any(o => o.Id == id))
            {
                replace[id] = first;
                continue;
            }

            if (key is not null)
            {
                seenConstants[key] = value;
            }

            constants[id] = data;
            constantValues[id] = value;
        }

        var outputs = new HashSet<int>(graph.Outputs.Select(o => o.Id));
        var seenNodes = new Dictionary<string, OpNode>(StringComparer.Ordinal);
        var nodes = new List<OpNode>(graph.Nodes.Count);
        int mergedNodes = 0;
        foreach (var original in graph.Nodes)
        {
            var node = Substitute(original, replace);
            string? key = node.Attributes.Values.Values.Any(a => a.Kind == AttributeKind.Tensor) || DecoderOps.HasSideEffect(node) ? null : Key(node);
            if (key is not null && seenNodes.TryGetValue(key, out var first) && !node.Outputs.Any(o => outputs.Contains(o.Id)))
            {
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    replace[node.Outputs[i].Id] = first.Outputs[i];
                }

                mergedNodes++;
                continue;
            }

            if (key is not null)
            {
                seenNodes.TryAdd(key, node);
            }

            nodes.Add(node);
        }

        log.Write(PassName, $"merged {mergedNodes} duplicate nodes and {graph.ConstantValues.Count - constantValues.Count} duplicate constants; {nodes.Count} nodes remain");
        return graph with { Nodes = nodes, Constants = constants, ConstantValues = constantValues };
    }

    private static OpNode Substitute(OpNode node, Dictionary<int, TensorValue> replace)
    {
        TensorValue?[]? inputs = null;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { } v && replace.TryGetValue(v.Id, out var with))
            {
                inputs ??= [.. node.Inputs];
                inputs[i] = with;
            }
        }

        return inputs is null ? node : node with { Inputs = inputs };
    }

    private static string Key(OpNode node)
    {
        var key = new StringBuilder(node.Domain).Append('.').Append(node.Op).Append('(');
        foreach (var input in node.Inputs)
        {
            key.Append(input is null ? "_" : input.Id).Append(',');
        }

        return key.Append(')').Append(node.Outputs.Count).Append(node.Attributes).ToString();
    }
}
