// The fused operators Strata's passes create (domain "strata"), and what each computes; kernels exist for each.
namespace Strata.Compiler.Graphs;

/// <summary>Names of Strata's own operators.</summary>
public static class StrataOps
{
    /// <summary>The domain of Strata's operators.</summary>
    public const string Domain = "strata";

    /// <summary>
    /// y = act(x · wᵀ + bias) + residual: inputs x [..., K], w [N, K] (a constant, rows of K as GGUF and our kernels store
    /// them), optional bias [N], optional residual of the output's shape (a fused residual connection); attribute
    /// <c>activation</c> = "" (none), "gelu" (erf form), "gelu_tanh", "relu" or "tanh". Output [..., N].
    /// </summary>
    public const string Dense = "Dense";

    /// <summary>y = (x − mean) / √(var + epsilon) · scale + bias over the last axis; inputs x, scale, bias; attribute <c>epsilon</c>.</summary>
    public const string LayerNorm = "LayerNorm";

    /// <summary>y = x · Φ(x), the erf form of GELU: 0.5 · x · (1 + erf(x / √2)).</summary>
    public const string Gelu = "Gelu";

    /// <summary>
    /// Scaled dot-product attention over whole sequences: inputs q, k, v [batch, sequence, heads · headDim] and an optional
    /// additive key bias of batch · sequence elements laid out [batch][sequence] (0 for a real token, a large negative number
    /// for padding; broadcast over heads and queries): its shape is [batch, sequence] or, as BERT exports compute it,
    /// [batch, 1, 1, sequence] (the same bytes; FuseAttention passes that value as it is); attributes <c>heads</c> and
    /// <c>scale</c>. Output [batch, sequence, heads · headDim]: softmax(q·kᵀ·scale + bias)·v per head. Packed form (FuseQkv):
    /// k and v omitted, input 0 is [batch, sequence, 3 · heads · headDim] holding each token's q, k and v side by side.
    /// </summary>
    public const string Attention = "Attention";
}
