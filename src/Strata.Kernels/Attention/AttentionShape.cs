// Shape parameters of one attention call over a paged KV cache.
namespace Strata.Kernels;

/// <summary>Shape of one attention call over a paged KV cache.</summary>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads (GQA: Heads is a multiple of KvHeads)</param>
/// <param name="HeadDim">elements per head</param>
/// <param name="BlockTokens">token rows per KV block</param>
/// <param name="Scale">score scale, usually 1/sqrt(HeadDim)</param>
/// <param name="HalfKv">the KV blocks hold f16 rows (converted exactly to f32 as they are read), else f32</param>
/// <param name="SoftCap">where positive, each scaled score s becomes SoftCap · tanh(s / SoftCap) before the softmax (Gemma 2)</param>
/// <param name="Window">where positive, a query at position p sees only positions p − Window + 1 … p (sliding-window layers)</param>
public readonly record struct AttentionShape(int Heads, int KvHeads, int HeadDim, int BlockTokens, float Scale, bool HalfKv = false,
    float SoftCap = 0, int Window = 0);
