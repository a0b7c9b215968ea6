// Pass: every value is defined before use and every op's widths agree with its inputs and weight.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Passes;

/// <summary>Checks widths and definition order; throws <see cref="CompileException"/> naming the node.</summary>
public static class ShapeVerification
{
    /// <summary>Pass name in the compile log.</summary>
    public const string Name = "verify-shapes";

    /// <summary>Runs the check.</summary>
    public static void Run(Graph graph, CompileLog log)
    {
        var defined = new HashSet<int>();
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                Check(defined.Contains(input.Id), node, $"input {input} is used before it is defined");
            }

            CheckWidths(node);
            Check(defined.Add(node.Output.Id), node, "defines a value that is already defined");
        }

        Check(defined.Contains(graph.Output.Id), graph.Nodes[^1], "graph output is never defined");
        log.Write(Name, $"{graph.Nodes.Count} nodes, {defined.Count} values: widths and order consistent");
    }

    private static void CheckWidths(Node node)
    {
        var a = node.Attributes;
        int in0 = node.Inputs.Count > 0 ? node.Inputs[0].Width : 0;
        switch (node.Op)
        {
            case OpKind.MatMul:
                Check(node.Weight is not null && in0 == node.Weight.Cols && node.Output.Width == node.Weight.Rows, node,
                    $"matmul of width {in0} by {node.Weight} into width {node.Output.Width}");
                break;
            case OpKind.RmsNorm or OpKind.AddBias:
                Check(node.Weight is not null && in0 == node.Weight.Cols && node.Output.Width == in0, node,
                    $"width {in0} against weight {node.Weight}");
                break;
            case OpKind.HeadRmsNorm:
                Check(node.Weight is not null && node.Weight.Cols == a.HeadDim && in0 == a.Heads * a.HeadDim && node.Output.Width == in0, node,
                    $"width {in0} against {a.Heads} heads × {a.HeadDim} and weight {node.Weight}");
                break;
            case OpKind.Scale or OpKind.SoftCap:
                Check(node.Output.Width == in0 && float.IsFinite(a.Scale) && (node.Op == OpKind.Scale || a.Scale > 0), node, $"width {in0}, factor {a.Scale}");
                break;
            case OpKind.MoeRoute:
                Check(in0 == a.Experts && a.ExpertsUsed > 0 && a.ExpertsUsed <= a.Experts && node.Output.Width == 2 * a.ExpertsUsed, node,
                    $"router width {in0} against {a.Experts} experts, {a.ExpertsUsed} used");
                break;
            case OpKind.ExpertMatMul:
                Check(node.Weight is not null && (in0 == node.Weight.Cols || in0 == a.ExpertsUsed * node.Weight.Cols)
                    && node.Output.Width == a.ExpertsUsed * node.Weight.Rows && node.Inputs[1].Width == 2 * a.ExpertsUsed, node,
                    $"width {in0} by {node.Weight} for {a.ExpertsUsed} experts into {node.Output.Width}");
                break;
            case OpKind.MoeCombine:
                Check(in0 == a.ExpertsUsed * node.Output.Width && node.Inputs[1].Width == 2 * a.ExpertsUsed, node,
                    $"width {in0} is not {a.ExpertsUsed} slots of {node.Output.Width}");
                break;
            case OpKind.Slice:
                Check(a.Offset >= 0 && a.Offset + node.Output.Width <= in0, node, $"columns {a.Offset}+{node.Output.Width} of width {in0}");
                break;
            case OpKind.Add or OpKind.SwiGlu or OpKind.GeluGlu:
                Check(in0 == node.Inputs[1].Width && node.Output.Width == in0, node, "operand widths differ");
                break;
            case OpKind.Rope:
                Check(in0 == a.Heads * a.HeadDim && node.Output.Width == in0 && a.RopeDims <= a.HeadDim
                    && (node.Weight is null || node.Weight.Cols == a.RopeDims / 2), node,
                    $"width {in0} is not {a.Heads} heads × {a.HeadDim}, or factors {node.Weight} are not {a.RopeDims / 2} long");
                break;
            case OpKind.KvStore:
                Check(in0 == a.KvHeads * a.HeadDim && node.Inputs[1].Width == in0, node, $"k/v width {in0} is not {a.KvHeads} × {a.HeadDim}");
                break;
            case OpKind.Attention:
                Check(in0 == a.Heads * a.HeadDim && node.Output.Width == in0 && a.Heads % a.KvHeads == 0 && a.Scale > 0 && a.SoftCap >= 0 && a.Window >= 0, node,
                    $"query width {in0} is not {a.Heads} heads × {a.HeadDim}, or scale {a.Scale}, soft cap {a.SoftCap}, window {a.Window} out of range");
                break;
            case OpKind.Embed:
                Check(node.Weight is not null && node.Output.Width == node.Weight.Cols, node, "embedding width");
                break;
            case OpKind.GatherOutputRows:
                Check(node.Output.Width == in0 && node.Output.Rows == RowSpace.Outputs, node, "gather width");
                break;
            default:
                Check(false, node, "unknown op");
                break;
        }
    }

    private static void Check(bool ok, Node node, string problem)
    {
        if (!ok)
        {
            throw new CompileException($"{Name}: node '{node.Output.Name}' ({node.Op}): {problem}");
        }
    }
}
