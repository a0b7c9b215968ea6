// Which tensor gets which type, following llama-quantize's per-tensor choices for every synthesised architecture.
using Strata.Kernels;

namespace Strata.Engine.Synthesis;

/// <summary>A file-level quantization: f32, f16, q8_0, q4_0, q4_0-pure, q4_k_m.</summary>
public sealed record QuantRecipe(string Name, uint FileType)
{
    /// <summary>Names accepted by <see cref="Parse"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["f32", "f16", "q8_0", "q4_0", "q4_0-pure", "q4_k_m"];

    /// <summary>Parses a recipe name.</summary>
    public static QuantRecipe Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "f32" => new("f32", 0),
        "f16" => new("f16", 1),
        "q8_0" => new("q8_0", 7),
        "q4_0" => new("q4_0", 2),
        "q4_0-pure" => new("q4_0-pure", 2),
        "q4_k_m" => new("q4_k_m", 15),
        _ => throw new ArgumentException($"quant '{name}' is not one of: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Type of the weight <paramref name="tensor"/> of layer <paramref name="layer"/> (−1 for global) whose rows hold
    /// <paramref name="cols"/> values, in a model of <paramref name="shape"/>, as llama-quantize (src/llama-quant.cpp at
    /// 3f545becc) chooses it: the MoE router stays F32; with a tied output, token_embd is typed as the output would be; in
    /// 8-expert models attn_k and attn_v get Q8_0; rows that do not fit a K-quant's 256 fall back.
    /// </summary>
    public GgmlType TypeFor(string tensor, int layer, int cols, ModelShape shape)
    {
        // tensor_allows_quantization: "do not quantize expert gating tensors"; the converter writes them F32.
        if (tensor.Contains("ffn_gate_inp", StringComparison.Ordinal))
        {
            return GgmlType.F32;
        }

        if (shape.TiedOutput && tensor == "token_embd.weight")
        {
            tensor = "output.weight";
        }

        GgmlType type = Name switch
        {
            "f32" => GgmlType.F32,
            "f16" => GgmlType.F16,
            "q8_0" => GgmlType.Q8_0,
            "q4_0-pure" => GgmlType.Q4_0,
            "q4_0" => tensor == "output.weight" ? GgmlType.Q6_K : EightExpertBump(tensor, shape, GgmlType.Q4_0),
            _ => KQuantMedium(tensor, layer, shape),
        };

        // llama-quantize falls back when rows are not a multiple of 256 (e.g. width 576): Q4_K → Q5_0, Q6_K → Q8_0.
        return (type, cols % 256) switch
        {
            (GgmlType.Q4_K, not 0) => GgmlType.Q5_0,
            (GgmlType.Q6_K, not 0) => GgmlType.Q8_0,
            _ => type,
        };
    }

    // Q4_K_M: Q4_K, with Q6_K for the output and for attn_v (or a fused attn_qkv) and ffn_down (or ffn_down_exps) in the
    // layers use_more_bits picks. In 8-expert models llama-quantize gives attn_output Q5_K; Strata has no Q5_K quantizer,
    // so it writes Q5_0, the same 5.5 bits per weight.
    private static GgmlType KQuantMedium(string tensor, int layer, ModelShape shape)
    {
        if (tensor == "output.weight")
        {
            return GgmlType.Q6_K;
        }

        if (shape.Experts == 8 && tensor.EndsWith("attn_output.weight", StringComparison.Ordinal))
        {
            return GgmlType.Q5_0;
        }

        int layers = shape.Layers;
        bool moreBits = layer < layers / 8 || layer >= 7 * layers / 8 || (layer - (layers / 8)) % 3 == 2;
        bool valueLike = IsValueLike(tensor);
        bool down = tensor.Contains("ffn_down", StringComparison.Ordinal);
        return EightExpertBump(tensor, shape, (valueLike || down) && moreBits ? GgmlType.Q6_K : GgmlType.Q4_K);
    }

    // "for the 8-expert model, bumping this to Q8_0 trades just ~128MB": attn_k and the attn_v-like tensors.
    private static GgmlType EightExpertBump(string tensor, ModelShape shape, GgmlType type) =>
        shape.Experts == 8 && (IsValueLike(tensor) || tensor.EndsWith("attn_k.weight", StringComparison.Ordinal)) ? GgmlType.Q8_0 : type;

    // category_is_attn_v: attn_v and a fused attn_qkv count alike (so Phi-3's attn_qkv follows attn_v's rules).
    private static bool IsValueLike(string tensor) =>
        tensor.EndsWith("attn_v.weight", StringComparison.Ordinal) || tensor.EndsWith("attn_qkv.weight", StringComparison.Ordinal);
}
