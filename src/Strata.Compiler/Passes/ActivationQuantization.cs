// Pass (quantized-activations mode): MatMul(x, W) -> MatMulQuantized(QuantizeActivations(x), W) for every weight type with an
// integer kernel; one quantization per (input, block format) is shared by all matmuls that read it (q/k/v, gate/up).
using Strata.Compiler.Ir;
using Strata.Kernels;

namespace Strata.Compiler.Passes;

/// <summary>Rewrites matmuls to quantize their activations once and use integer dots.</summary>
public static class ActivationQuantization
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "quantize-activations";

    /// <summary>Returns the rewritten graph.</summary>
    public static Graph Run(Graph graph, CompileLog log)
    {
        int nextId = 0;
        foreach (var node in graph.Nodes)
        {
            nextId = Math.Max(nextId, node.Output.Id + 1);
        }

        var nodes = new List<Node>(graph.Nodes.Count * 2);
        var quantized = new Dictionary<(int Input, GgmlType Format), Value>();
        int rewritten = 0;
        foreach (var node in graph.Nodes)
        {
            var format = node.Op == OpKind.MatMul ? ActivationQuant.FormatFor(node.Weight!.Type) : GgmlType.F32;
            if (format == GgmlType.F32)
            {
                nodes.Add(node);
                continue;
            }

            var input = node.Inputs[0];
            if (!quantized.TryGetValue((input.Id, format), out var q))
            {
                long bytes = ActivationQuant.RowBytes(node.Weight!.Type, input.Width);
                q = new Value(nextId++, $"{input.Name}.{format.ToString().ToLowerInvariant()}", (int)((bytes + 3) / 4), input.Rows);
                nodes.Add(new Node(OpKind.QuantizeActivations, [input], q, node.Weight, NodeAttributes.None));
                quantized[(input.Id, format)] = q;
            }

            nodes.Add(node with { Op = OpKind.MatMulQuantized, Inputs = [q] });
            rewritten++;
        }

        log.Write(Name, $"{rewritten} matmuls use integer dots over {quantized.Count} quantized activation buffers");
        return graph with { Nodes = nodes };
    }
}
