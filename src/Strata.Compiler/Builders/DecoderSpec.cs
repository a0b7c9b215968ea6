// Hyper-parameters and weight catalogue of a Llama-family decoder, read from an artifact by the engine.
using Strata.Kernels;

namespace Strata.Compiler.Builders;

/// <summary>Everything the graph builder needs to emit a decoder. Plain data.</summary>
/// <param name="Architecture">"llama", "qwen2", … (GGUF general.architecture)</param>
/// <param name="Name">model name for logs</param>
/// <param name="EmbeddingDim">model width (dim)</param>
/// <param name="Layers">decoder blocks</param>
/// <param name="Heads">query heads</param>
/// <param name="KvHeads">key/value heads</param>
/// <param name="HeadDim">elements per head</param>
/// <param name="FeedForwardDim">FFN hidden width</param>
/// <param name="VocabSize">output logits</param>
/// <param name="ContextLength">trained context</param>
/// <param name="RmsEpsilon">RMSNorm epsilon</param>
/// <param name="Rope">rotary parameters</param>
/// <param name="Tensors">weights by GGUF name</param>
public sealed record DecoderSpec(
    string Architecture,
    string Name,
    int EmbeddingDim,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int FeedForwardDim,
    int VocabSize,
    int ContextLength,
    float RmsEpsilon,
    RopeSpec Rope,
    IReadOnlyDictionary<string, TensorDescriptor> Tensors)
{
    /// <summary>Width of the K and V projections.</summary>
    public int KvDim => KvHeads * HeadDim;
}

/// <summary>Rotary embedding parameters.</summary>
/// <param name="Dims">rotated dims per head</param>
/// <param name="FrequencyBase">theta base</param>
/// <param name="Mode">pairing</param>
public sealed record RopeSpec(int Dims, float FrequencyBase, RopeMode Mode);
