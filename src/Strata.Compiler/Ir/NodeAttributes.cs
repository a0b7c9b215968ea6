// Scalar parameters a node carries (only those its op reads are meaningful).
using Strata.Kernels;

namespace Strata.Compiler.Ir;

/// <summary>Op parameters. Plain data; enters the executable hash through <see cref="ToString"/>.</summary>
/// <param name="Layer">decoder layer (KvStore, Attention)</param>
/// <param name="Epsilon">RMSNorm epsilon</param>
/// <param name="Heads">heads of a RoPE/attention input</param>
/// <param name="KvHeads">KV heads (attention)</param>
/// <param name="HeadDim">elements per head</param>
/// <param name="RopeDims">rotated dims per head</param>
/// <param name="RopeBase">RoPE frequency base</param>
/// <param name="RopeMode">RoPE pairing</param>
public sealed record NodeAttributes(
    int Layer = -1,
    float Epsilon = 0,
    int Heads = 0,
    int KvHeads = 0,
    int HeadDim = 0,
    int RopeDims = 0,
    float RopeBase = 0,
    RopeMode RopeMode = RopeMode.Normal)
{
    /// <summary>No parameters.</summary>
    public static NodeAttributes None { get; } = new();
}
