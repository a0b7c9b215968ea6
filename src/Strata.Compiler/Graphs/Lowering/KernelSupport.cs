// Which nodes Strata's kernels run: the step kind of each supported node, or the reason it goes to a foreign partition.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>Decides, per node, whether a Strata kernel runs it (types, constant operands, axes) — the partitioner's test.</summary>
public static class KernelSupport
{
    /// <summary>
    /// Fewest activation rows for which a Dense step runs Kernels.PanelGemm (packed panels); below it the engine's matrix
    /// kernels (matrix-vector, 4-row tiles over the row-major weight) run. Part of the kernel choice the hash covers.
    /// </summary>
    public const int DensePanelRowsFrom = 16;

    /// <summary>The step kind that runs <paramref name="node"/>, or null with the reason none does.</summary>
    public static StepKind? Kind(OpGraph graph, OpNode node, out string reason)
    {
        reason = string.Empty;
        var kind = Classify(graph, node, ref reason);
        if (kind is not null && !TypesSupported(node, kind.Value, ref reason))
        {
            return null;
        }

        if (kind is null && reason.Length == 0)
        {
            reason = $"no Strata kernel for {(node.Domain.Length == 0 ? string.Empty : node.Domain + ".")}{node.Op}";
        }

        return kind;
    }

    private static StepKind? Classify(OpGraph graph, OpNode node, ref string reason)
    {
        if (node.Domain == StrataOps.Domain)
        {
            return node.Op switch
            {
                StrataOps.Dense when graph.TryGetConstant(node.Input(1), out var w) && w.Type == DType.F32 && w.Dims.Count == 2
                    && (node.Input(2) is null || graph.TryGetConstant(node.Input(2), out _)) && node.Input(3) is null or { Type: DType.F32 } => StepKind.Dense,
                StrataOps.LayerNorm => StepKind.LayerNorm,
                StrataOps.Gelu => StepKind.Gelu,
                StrataOps.Attention => StepKind.Attention,
                _ => null,
            };
        }

        if (node.Domain.Length != 0 && node.Domain != "ai.onnx")
        {
            return null;
        }

        switch (node.Op)
        {
            case "Add" or "Sub" or "Mul" or "Div" or "Pow":
                return StepKind.Binary;
            case "Sqrt" or "Erf" or "Tanh" or "Relu" or "Sigmoid" or "Neg" or "Exp" or "Log" or "Abs" or "Reciprocal":
                return StepKind.Unary;
            case "Cast":
                return StepKind.Cast;
            case "Reshape" or "Squeeze" or "Unsqueeze" or "Flatten" or "Identity":
                return StepKind.View;
            case "Transpose":
                return StepKind.Transpose;
            case "Gather":
                return StepKind.Gather;
            case "Softmax":
                return node.Attributes.Int("axis", -1) is -1 || node.Attributes.Int("axis", -1) == (node.Input(0)?.Shape?.Rank ?? 0) - 1
                    ? StepKind.Softmax : Refuse(ref reason, "Softmax over an axis other than the last");
            case "ReduceMean":
                return ReducesLastAxis(graph, node) ? StepKind.ReduceMean : Refuse(ref reason, "ReduceMean over axes other than the last");
            case "LayerNormalization":
                return node.Attributes.Int("axis", -1) == -1 ? StepKind.LayerNorm : Refuse(ref reason, "LayerNormalization over an axis other than the last");
            case "MatMul":
                return StepKind.MatMul;
            case "Slice":
                return SliceIsConstant(graph, node) ? StepKind.Slice : Refuse(ref reason, "Slice with run-time starts or steps other than 1");
            case "Concat":
                return StepKind.Concat;
            case "Where":
                return StepKind.Where;
            case "Equal":
                return StepKind.Equal;
            case "Expand":
                return StepKind.Expand;
            default:
                return null;
        }
    }

    private static StepKind? Refuse(ref string reason, string why)
    {
        reason = why;
        return null;
    }

    private static bool TypesSupported(OpNode node, StepKind kind, ref string reason)
    {
        foreach (var output in node.Outputs)
        {
            if (output.Shape is null || output.Shape.HasUnknown || output.Type == DType.Unknown)
            {
                reason = $"output {output.Name} has no known shape";
                return false;
            }
        }

        bool floatMath = kind is StepKind.Dense or StepKind.LayerNorm or StepKind.Gelu or StepKind.Attention or StepKind.Unary
            or StepKind.Softmax or StepKind.ReduceMean or StepKind.MatMul;
        if (floatMath && node.Output.Type != DType.F32)
        {
            reason = $"{node.Op} over {node.Output.Type.Text()} (Strata computes it in f32)";
            return false;
        }

        if (kind == StepKind.Binary && node.Output.Type is not (DType.F32 or DType.I64))
        {
            reason = $"{node.Op} over {node.Output.Type.Text()}";
            return false;
        }

        if (kind == StepKind.Cast && (node.Input(0)!.Type.Size() == 0 || node.Output.Type is not (DType.F32 or DType.I64 or DType.I32 or DType.Bool)))
        {
            reason = $"Cast {node.Input(0)!.Type.Text()} → {node.Output.Type.Text()}";
            return false;
        }

        return true;
    }

    private static bool ReducesLastAxis(OpGraph graph, OpNode node)
    {
        int rank = node.Input(0)?.Shape?.Rank ?? 0;
        IReadOnlyList<long>? axes = node.Attributes.Ints("axes");
        if (axes is null && graph.TryGetConstant(node.Input(1), out var data))
        {
            axes = data.As<long>().ToArray();
        }

        return node.Attributes.Int("keepdims", 1) == 1 && axes is { Count: 1 } && (axes[0] == -1 || axes[0] == rank - 1);
    }

    // Ends may be computed at run time (e.g. from the sequence length): the runner takes each axis's extent from the
    // output's shape, so only starts, axes and steps must be constants.
    private static bool SliceIsConstant(OpGraph graph, OpNode node)
    {
        if (!graph.TryGetConstant(node.Input(1), out _) || (node.Input(3) is { } axes && !graph.TryGetConstant(axes, out _)))
        {
            return false;
        }

        if (node.Input(4) is { } stepsValue)
        {
            if (!graph.TryGetConstant(stepsValue, out var steps))
            {
                return false;
            }

            foreach (long s in steps.As<long>())
            {
                if (s != 1)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
