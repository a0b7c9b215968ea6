// Pass (quantized-activations mode, decoder graphs): Dense(x, W) -> MatMulQuantized(QuantizeActivations(x, W), W) for every
// external weight type with an integer kernel; one quantization per (input, block format) is shared by all products that read
// it (q/k/v, gate/up).
using Strata.Kernels;

namespace Strata.Compiler.Graphs.Passes;

/// <summary>Rewrites the decoder's products to quantize their activations once and use integer dots.</summary>
public static class ActivationQuantization
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "quantize-activations";

    /// <summary>The rewritten graph.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        int nextId = graph.NextId;
        var nodes = new List<OpNode>(graph.Nodes.Count * 2);
        var quantized = new Dictionary<(int Input, GgmlType Format), TensorValue>();
        int rewritten = 0;
        foreach (var node in graph.Nodes)
        {
            if (!IsQuantizable(graph, node, out var x, out var w, out var weightType))
            {
                nodes.Add(node);
                continue;
            }

            var format = ActivationQuant.FormatFor(weightType);
            if (!quantized.TryGetValue((x.Id, format), out var q))
            {
                long bytes = ActivationQuant.RowBytes(weightType, checked((int)x.Shape![1].Factor));
                q = new TensorValue(nextId++, $"{x.Name}.{format.ToString().ToLowerInvariant()}", DType.F32,
                    new TensorShape(x.Shape[0], Dim.Of((bytes + 3) / 4)));
                nodes.Add(new OpNode(q.Name, DecoderOps.QuantizeActivations, StrataOps.Domain, [x, w], [q], AttributeSet.Empty));
                quantized[(x.Id, format)] = q;
            }

            nodes.Add(node with { Op = DecoderOps.MatMulQuantized, Inputs = [q, w] });
            rewritten++;
        }

        log.Write(PassName, $"{rewritten} matmuls use integer dots over {quantized.Count} quantized activation buffers");
        return graph with { Nodes = nodes, NextId = nextId };
    }

    // A bias-free, activation-free Dense over an activation [rows, k] and an external GGML weight whose type has an integer kernel.
    private static bool IsQuantizable(OpGraph graph, OpNode node, out TensorValue x, out TensorValue w, out GgmlType weightType)
    {
        x = w = null!;
        weightType = GgmlType.F32;
        if (!node.IsStrata(StrataOps.Dense) || node.Inputs.Count != 2 || node.Attributes.String("activation", string.Empty).Length > 0
            || node.Inputs[0] is not { Shape: { Rank: 2 } xShape } input || !xShape[1].IsKnown || node.Inputs[1] is not { } weight
            || !graph.ConstantValues.ContainsKey(weight.Id) || graph.Constants.ContainsKey(weight.Id) || !GgmlDTypes.TryToGgml(weight.Type, out weightType))
        {
            return false;
        }

        (x, w) = (input, weight);
        return ActivationQuant.FormatFor(weightType) != GgmlType.F32;
    }
}
