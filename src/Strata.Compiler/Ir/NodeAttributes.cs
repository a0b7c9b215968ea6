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
/// <param name="Scale">Scale's factor, SoftCap's cap, Attention's score scale</param>
/// <param name="SoftCap">Attention's score soft cap (0 = none)</param>
/// <param name="Window">Attention's sliding window (0 = whole context)</param>
/// <param name="Offset">Slice's first column</param>
/// <param name="RopeScaling">RoPE scaling beyond the base (frequency scale, YaRN, magnitude); null = none</param>
/// <param name="Experts">experts of a mixture-of-experts layer (MoeRoute)</param>
/// <param name="ExpertsUsed">experts each token routes to (MoeRoute, ExpertMatMul, MoeCombine)</param>
/// <param name="NormalizeExperts">MoeRoute renormalises the chosen experts' weights</param>
public sealed record NodeAttributes(
    int Layer = -1,
    float Epsilon = 0,
    int Heads = 0,
    int KvHeads = 0,
    int HeadDim = 0,
    int RopeDims = 0,
    float RopeBase = 0,
    RopeMode RopeMode = RopeMode.Normal,
    float Scale = 0,
    float SoftCap = 0,
    int Window = 0,
    int Offset = 0,
    RopeFrequencies? RopeScaling = null,
    int Experts = 0,
    int ExpertsUsed = 0,
    bool NormalizeExperts = false)
{
    /// <summary>The rotary frequencies of a Rope node.</summary>
    public RopeFrequencies Frequencies => RopeScaling ?? new RopeFrequencies(RopeBase, RopeDims);

    /// <summary>No parameters.</summary>
    public static NodeAttributes None { get; } = new();
}
