// The type rules of the decoder's operators (DecoderOps): each output's shape from its inputs' shapes and its attributes, with
// the checks the old decoder verifier made. Where the inputs contradict the attributes, or the node's declared output, the
// node is wrong (a builder bug: every model the builders accept passes), and the rule throws a CompileException naming it.
using Strata.Kernels;

namespace Strata.Compiler.Graphs.Passes;

/// <summary>Decoder operator rules.</summary>
internal static partial class ShapeRules
{
    private static ValueType? Decoder(OpNode node)
    {
        if (!IsDecoderOp(node.Op))
        {
            return null;
        }

        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { Shape: null })
            {
                return new(DType.F32, null);
            }
        }

        var inferred = DecoderShape(node);
        if (node.Output.Shape is { } declared && !declared.Equals(inferred))
        {
            throw Problem(node, $"declares {declared}, its inputs give {inferred}");
        }

        return new(DType.F32, inferred);
    }

    private static bool IsDecoderOp(string op) => op is DecoderOps.Embed or DecoderOps.RmsNorm or DecoderOps.AddBias or DecoderOps.Rope
        or DecoderOps.KvStore or DecoderOps.CachedAttention or DecoderOps.SwiGlu or DecoderOps.GeluGlu or DecoderOps.GatherOutputRows
        or DecoderOps.QuantizeActivations or DecoderOps.MatMulQuantized or DecoderOps.HeadRmsNorm or DecoderOps.Scale or DecoderOps.SoftCap
        or DecoderOps.Slice or DecoderOps.MoeRoute or DecoderOps.ExpertMatMul or DecoderOps.MoeCombine;

    private static TensorShape DecoderShape(OpNode node)
    {
        var a = node.Attributes;
        var x = ShapeOf(node, 0)!;
        long Attr(string name) => a.Int(name, 0);
        if (node.Op == DecoderOps.Embed)
        {
            var table = ShapeOf(node, 1)!;
            Check(x.Rank == 1, node, $"token ids {x} are not one row of ids");
            return new TensorShape(x[0], table[-1]);
        }

        long in0 = Width(node, x);
        var rows = x.Rank == 2 ? x[0] : Dim.Unknown;
        TensorShape Rows(long width) => new(rows, Dim.Of(width));
        switch (node.Op)
        {
            case DecoderOps.RmsNorm or DecoderOps.AddBias:
                var v = ShapeOf(node, 1)!;
                Check(VectorLength(v) == in0, node, $"width {in0} against weight {v}");
                return Rows(in0);
            case DecoderOps.HeadRmsNorm:
                var h = ShapeOf(node, 1)!;
                Check(VectorLength(h) == Attr("head_dim") && in0 == Attr("heads") * Attr("head_dim"), node,
                    $"width {in0} against {Attr("heads")} heads × {Attr("head_dim")} and weight {h}");
                return Rows(in0);
            case DecoderOps.Scale or DecoderOps.SoftCap:
                float factor = a.Float("scale", 0);
                Check(float.IsFinite(factor) && (node.Op == DecoderOps.Scale || factor > 0), node, $"width {in0}, factor {factor}");
                return Rows(in0);
            case DecoderOps.MoeRoute:
                Check(in0 == Attr("experts") && Attr("experts_used") > 0 && Attr("experts_used") <= Attr("experts"), node,
                    $"router width {in0} against {Attr("experts")} experts, {Attr("experts_used")} used");
                return Rows(2 * Attr("experts_used"));
            case DecoderOps.ExpertMatMul:
                var e = ShapeOf(node, 2)!;
                long used = Attr("experts_used");
                Check(e.Rank == 3 && (in0 == e[2].Factor || in0 == used * e[2].Factor) && Width(node, ShapeOf(node, 1)!) == 2 * used, node,
                    $"width {in0} by {e} for {used} experts");
                return Rows(used * e[1].Factor);
            case DecoderOps.MoeCombine:
                long slots = Attr("experts_used");
                Check(slots > 0 && in0 % slots == 0 && Width(node, ShapeOf(node, 1)!) == 2 * slots, node, $"width {in0} is not {slots} slots");
                return Rows(in0 / slots);
            case DecoderOps.Slice:
                Check(Attr("offset") >= 0 && Attr("width") > 0 && Attr("offset") + Attr("width") <= in0, node,
                    $"columns {Attr("offset")}+{Attr("width")} of width {in0}");
                return Rows(Attr("width"));
            case DecoderOps.SwiGlu or DecoderOps.GeluGlu:
                Check(Width(node, ShapeOf(node, 1)!) == in0, node, "operand widths differ");
                return Rows(in0);
            case DecoderOps.Rope:
                long ropeDims = Attr("rope_dims");
                Check(in0 == Attr("heads") * Attr("head_dim") && ropeDims <= Attr("head_dim")
                    && (ShapeOf(node, 1) is not { } factors || VectorLength(factors) == ropeDims / 2), node,
                    $"width {in0} is not {Attr("heads")} heads × {Attr("head_dim")}, or factors {ShapeOf(node, 1)} are not {ropeDims / 2} long");
                return Rows(in0);
            case DecoderOps.KvStore:
                Check(in0 == Attr("kv_heads") * Attr("head_dim") && Width(node, ShapeOf(node, 1)!) == in0, node,
                    $"k/v width {in0} is not {Attr("kv_heads")} × {Attr("head_dim")}");
                return TensorShape.Scalar;
            case DecoderOps.CachedAttention:
                Check(in0 == Attr("heads") * Attr("head_dim") && Attr("kv_heads") > 0 && Attr("heads") % Attr("kv_heads") == 0
                    && a.Float("scale", 0) > 0 && a.Float("soft_cap", 0) >= 0 && Attr("window") >= 0, node,
                    $"query width {in0} is not {Attr("heads")} heads × {Attr("head_dim")}, or scale, soft cap or window out of range");
                return Rows(in0);
            case DecoderOps.GatherOutputRows:
                return new TensorShape(Dim.Symbol(DecoderOps.OutputRows), Dim.Of(in0));
            case DecoderOps.QuantizeActivations:
                return Rows(QuantizedSlots(node, in0));
            default: // MatMulQuantized: xq [rows, slots of k] · w [n, k]ᵀ
                var w = ShapeOf(node, 1)!;
                Check(w.Rank == 2 && in0 == QuantizedSlots(node, w[1].Factor), node, $"quantized width {in0} against weight {w}");
                return Rows(w[0].Factor);
        }
    }

    // f32 slots holding one row of x quantized to the block format the weight (the last input) needs.
    private static long QuantizedSlots(OpNode node, long cols)
    {
        var w = node.Inputs[^1]!;
        Check(GgmlDTypes.TryToGgml(w.Type, out var type) && ActivationQuant.FormatFor(type) != GgmlType.F32, node,
            $"weight {w} has no integer product");
        return (ActivationQuant.RowBytes(type, checked((int)cols)) + 3) / 4;
    }

    private static long Width(OpNode node, TensorShape shape)
    {
        Check(shape.Rank == 2 && shape[1].IsKnown, node, $"operand {shape} is not [rows, width]");
        return shape[1].Factor;
    }

    private static long VectorLength(TensorShape shape) => shape.Rank == 1 && shape[0].IsKnown ? shape[0].Factor : -1;

    private static void Check(bool ok, OpNode node, string problem)
    {
        if (!ok)
        {
            throw Problem(node, problem);
        }
    }

    private static CompileException Problem(OpNode node, string problem) =>
        new($"{ShapeInference.PassName}: node '{node.Name}' ({node.Domain}.{node.Op}): {problem}");
}
