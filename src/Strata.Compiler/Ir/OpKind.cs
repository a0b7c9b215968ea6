// The operations the decoder IR needs today; append-only, explicit values (they enter the executable hash).
namespace Strata.Compiler.Ir;

/// <summary>IR operation kinds. Every activation is f32 with shape [rows, width].</summary>
public enum OpKind
{
    /// <summary>out[r] = dequantize(weight row tokens[r]) — token embedding lookup.</summary>
    Embed = 1,
    /// <summary>out = rmsnorm(in0) · weight.</summary>
    RmsNorm = 2,
    /// <summary>out = in0 · weightᵀ.</summary>
    MatMul = 3,
    /// <summary>out = in0 + bias (broadcast over rows).</summary>
    AddBias = 4,
    /// <summary>out = rope(in0) at each row's position.</summary>
    Rope = 5,
    /// <summary>Writes in0 (keys) and in1 (values) into the KV cache at each row's sequence and position.</summary>
    KvStore = 6,
    /// <summary>out[r] = attention(in0[r]) over the row's sequence, positions 0..pos(r).</summary>
    Attention = 7,
    /// <summary>out = in0 + in1.</summary>
    Add = 8,
    /// <summary>out = silu(in0) · in1.</summary>
    SwiGlu = 9,
    /// <summary>out = the rows of in0 selected for output (one per sequence that wants logits).</summary>
    GatherOutputRows = 10,
    /// <summary>out = in0's rows quantized to 8-bit blocks (bytes stored in an f32-sized slot) for the weight type's integer kernel.</summary>
    QuantizeActivations = 11,
    /// <summary>out = in0 (quantized activations) · weightᵀ with integer block dots.</summary>
    MatMulQuantized = 12,
    /// <summary>out = each head of in0 RMS-normalised and multiplied by one weight of HeadDim (Qwen 3 and Gemma 3 Q/K norms).</summary>
    HeadRmsNorm = 13,
    /// <summary>out = in0 · Scale.</summary>
    Scale = 14,
    /// <summary>out = gelu_tanh(in0) · in1 (Gemma's gated FFN).</summary>
    GeluGlu = 15,
    /// <summary>out = Scale · tanh(in0 / Scale) (Gemma 2's final-logit soft cap).</summary>
    SoftCap = 16,
    /// <summary>out = in0's columns Offset … Offset + width − 1 (a part of a fused projection).</summary>
    Slice = 17,
    /// <summary>
    /// out[r] = the ExpertsUsed experts of largest softmax(in0[r]) (router logits), as their ids (stored as floats) then their
    /// weights (renormalised to sum 1 where NormalizeExperts).
    /// </summary>
    MoeRoute = 18,
    /// <summary>
    /// out[r] slot j = in0[r] (or its slot j when in0 holds a row per slot) · weight[expert j of in1[r]]ᵀ; the weight holds one
    /// matrix per expert. Rows are batched by expert.
    /// </summary>
    ExpertMatMul = 19,
    /// <summary>out[r] = Σ_j weight_j(in1[r]) · in0[r] slot j, slots in route order.</summary>
    MoeCombine = 20,
}
