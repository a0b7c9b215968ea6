// The decoder's operators in domain "strata" (the GGUF builders emit them; the passes and type rules serve them as they serve
// ONNX's): what each computes, its inputs and attributes. Activations are f32 [tokens, width] or [outputs, width] (symbols
// "tokens": the batch's token rows, "outputs": its logits rows); weights are external constants (type and shape, no data) read
// as the node's last input. A decoder MatMul is StrataOps.Dense without bias; its residual Add is ONNX's Add.
namespace Strata.Compiler.Graphs;

/// <summary>Names of the decoder's operators, their row symbols and attributes.</summary>
public static class DecoderOps
{
    /// <summary>The row symbol of a value with one row per token of the batch.</summary>
    public const string TokenRows = "tokens";

    /// <summary>The row symbol of a value with one row per output (logits) row of the batch.</summary>
    public const string OutputRows = "outputs";

    /// <summary>y [tokens, d] = dequantize(table row tokens[r]): inputs tokens [tokens] (i32, the graph input), table [vocab, d].</summary>
    public const string Embed = "Embed";

    /// <summary>y = rmsnorm(x) · w over the last axis: inputs x [rows, d], w [d]; attribute <c>epsilon</c>.</summary>
    public const string RmsNorm = "RmsNorm";

    /// <summary>y = x + b (broadcast over rows): inputs x [rows, n], b [n].</summary>
    public const string AddBias = "AddBias";

    /// <summary>
    /// y = rope(x) at each row's position: inputs x [rows, heads · head_dim] and optional frequency factors [rope_dims / 2];
    /// attributes <c>heads</c>, <c>head_dim</c>, <c>rope_dims</c>, <c>rope_base</c>, <c>rope_mode</c> (ggml's number) and,
    /// where scaled, <c>rope_scaling.*</c> (base, dims, scale, ext_factor, magnitude, correction_low, correction_high).
    /// </summary>
    public const string Rope = "Rope";

    /// <summary>
    /// Writes k and v [tokens, kv_heads · head_dim] into layer <c>layer</c>'s KV cache at each row's sequence and position.
    /// Its output is a side-effect token (f32 []): no storage, read only by the layer's <see cref="CachedAttention"/>, which it
    /// orders; the node is kept even when nothing reads it.
    /// </summary>
    public const string KvStore = "KvStore";

    /// <summary>
    /// y [rows, heads · head_dim] = attention of q over its row's sequence, positions 0 … pos(r), in layer <c>layer</c>'s KV
    /// cache (GQA): inputs q and the layer's KvStore token; attributes <c>layer</c>, <c>heads</c>, <c>kv_heads</c>,
    /// <c>head_dim</c>, <c>scale</c>, optional <c>soft_cap</c> (score soft cap) and <c>window</c> (sliding window).
    /// Unlike <see cref="StrataOps.Attention"/> (whole sequences, no cache) it reads the paged cache.
    /// </summary>
    public const string CachedAttention = "CachedAttention";

    /// <summary>y = silu(gate) · up: inputs gate, up [rows, n].</summary>
    public const string SwiGlu = "SwiGlu";

    /// <summary>y = gelu_tanh(gate) · up (Gemma's gated FFN): inputs gate, up [rows, n].</summary>
    public const string GeluGlu = "GeluGlu";

    /// <summary>y [outputs, d] = the rows of x [tokens, d] selected for output (one per sequence that wants logits).</summary>
    public const string GatherOutputRows = "GatherOutputRows";

    /// <summary>
    /// y = x's rows quantized to the 8-bit block format w's type needs, as bytes packed into f32 slots (y [rows, ⌈bytes / 4⌉]):
    /// inputs x [rows, k] and the weight w the product will read.
    /// </summary>
    public const string QuantizeActivations = "QuantizeActivations";

    /// <summary>y [rows, n] = xq · wᵀ with integer block dots: inputs xq (QuantizeActivations' output), w [n, k].</summary>
    public const string MatMulQuantized = "MatMulQuantized";

    /// <summary>y = each head of x [rows, heads · head_dim] RMS-normalised and multiplied by w [head_dim]; attributes <c>heads</c>, <c>head_dim</c>, <c>epsilon</c>.</summary>
    public const string HeadRmsNorm = "HeadRmsNorm";

    /// <summary>y = x · <c>scale</c>.</summary>
    public const string Scale = "Scale";

    /// <summary>y = scale · tanh(x / scale) (Gemma 2's final-logit soft cap); attribute <c>scale</c> &gt; 0.</summary>
    public const string SoftCap = "SoftCap";

    /// <summary>y [rows, width] = x's columns offset … offset + width − 1; attributes <c>offset</c>, <c>width</c>.</summary>
    public const string Slice = "Slice";

    /// <summary>
    /// y [rows, 2 · experts_used] = the experts_used largest of softmax(logits [rows, experts]) as their ids (as floats) then
    /// their weights (renormalised where <c>normalize_experts</c> = 1); attributes <c>experts</c>, <c>experts_used</c>.
    /// </summary>
    public const string MoeRoute = "MoeRoute";

    /// <summary>
    /// y [rows, experts_used · n] slot j = x (or its slot j) · w[expert j of route]ᵀ: inputs x [rows, k] or
    /// [rows, experts_used · k], route (MoeRoute's output), w [experts, n, k]; rows batched by expert.
    /// </summary>
    public const string ExpertMatMul = "ExpertMatMul";

    /// <summary>y [rows, n] = Σ_j weight_j(route) · slots slot j: inputs slots [rows, experts_used · n], route.</summary>
    public const string MoeCombine = "MoeCombine";

    /// <summary>True when <paramref name="node"/> must run even if nothing reads its outputs (it writes the KV cache).</summary>
    public static bool HasSideEffect(OpNode node) => node.IsStrata(KvStore);
}
