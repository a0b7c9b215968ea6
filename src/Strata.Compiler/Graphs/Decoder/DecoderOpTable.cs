// Which graph operator each decoder op kind is: most are the decoder's own (DecoderOps, domain "strata"); MatMul is
// StrataOps.Dense without bias and Add is ONNX's Add, the operators the ONNX path uses for the same arithmetic.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Graphs.Decoder;

/// <summary><see cref="OpKind"/> ↔ (domain, operator).</summary>
public static class DecoderOpTable
{
    private static readonly Dictionary<OpKind, (string Domain, string Op)> ByKind = new()
    {
        [OpKind.Embed] = (StrataOps.Domain, DecoderOps.Embed),
        [OpKind.RmsNorm] = (StrataOps.Domain, DecoderOps.RmsNorm),
        [OpKind.MatMul] = (StrataOps.Domain, StrataOps.Dense),
        [OpKind.AddBias] = (StrataOps.Domain, DecoderOps.AddBias),
        [OpKind.Rope] = (StrataOps.Domain, DecoderOps.Rope),
        [OpKind.KvStore] = (StrataOps.Domain, DecoderOps.KvStore),
        [OpKind.Attention] = (StrataOps.Domain, DecoderOps.CachedAttention),
        [OpKind.Add] = (string.Empty, "Add"),
        [OpKind.SwiGlu] = (StrataOps.Domain, DecoderOps.SwiGlu),
        [OpKind.GatherOutputRows] = (StrataOps.Domain, DecoderOps.GatherOutputRows),
        [OpKind.QuantizeActivations] = (StrataOps.Domain, DecoderOps.QuantizeActivations),
        [OpKind.MatMulQuantized] = (StrataOps.Domain, DecoderOps.MatMulQuantized),
        [OpKind.HeadRmsNorm] = (StrataOps.Domain, DecoderOps.HeadRmsNorm),
        [OpKind.Scale] = (StrataOps.Domain, DecoderOps.Scale),
        [OpKind.GeluGlu] = (StrataOps.Domain, DecoderOps.GeluGlu),
        [OpKind.SoftCap] = (StrataOps.Domain, DecoderOps.SoftCap),
        [OpKind.Slice] = (StrataOps.Domain, DecoderOps.Slice),
        [OpKind.MoeRoute] = (StrataOps.Domain, DecoderOps.MoeRoute),
        [OpKind.ExpertMatMul] = (StrataOps.Domain, DecoderOps.ExpertMatMul),
        [OpKind.MoeCombine] = (StrataOps.Domain, DecoderOps.MoeCombine),
    };

    private static readonly Dictionary<(string Domain, string Op), OpKind> ByOp = ByKind.ToDictionary(e => e.Value, e => e.Key);

    /// <summary>The graph operator of <paramref name="kind"/>.</summary>
    public static (string Domain, string Op) OperatorOf(OpKind kind) => ByKind[kind];

    /// <summary>The decoder op kind of <paramref name="node"/>: false for an operator the decoder runner has no step for.</summary>
    public static bool TryKindOf(OpNode node, out OpKind kind)
    {
        string domain = node.Domain == "ai.onnx" ? string.Empty : node.Domain;
        if (node.IsStrata(StrataOps.Dense) && (node.Input(2) is not null || node.Attributes.String("activation", string.Empty).Length > 0))
        {
            kind = default;
            return false;
        }

        return ByOp.TryGetValue((domain, node.Op), out kind);
    }
}
