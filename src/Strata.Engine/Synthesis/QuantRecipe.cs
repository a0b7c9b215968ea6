// Which tensor gets which type, following llama-quantize's choices for the llama architecture.
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
    /// Type of a 2-D weight named <paramref name="tensor"/> in layer <paramref name="layer"/> (−1 for global) with rows of
    /// <paramref name="cols"/>. With a tied output, token_embd is quantized as the output would be (llama-quantize's rule).
    /// </summary>
    public GgmlType TypeFor(string tensor, int layer, int layers, int cols, bool tiedOutput)
    {
        if (tiedOutput && tensor == "token_embd.weight")
        {
            tensor = "output.weight";
        }

        GgmlType type = Name switch
        {
            "f32" => GgmlType.F32,
            "f16" => GgmlType.F16,
            "q8_0" => GgmlType.Q8_0,
            "q4_0-pure" => GgmlType.Q4_0,
            "q4_0" => tensor == "output.weight" ? GgmlType.Q6_K : GgmlType.Q4_0,
            _ => KQuantMedium(tensor, layer, layers),
        };

        // llama-quantize falls back when rows are not a multiple of 256 (e.g. width 576): Q4_K → Q5_0, Q6_K → Q8_0.
        return (type, cols % 256) switch
        {
            (GgmlType.Q4_K, not 0) => GgmlType.Q5_0,
            (GgmlType.Q6_K, not 0) => GgmlType.Q8_0,
            _ => type,
        };
    }

    // Q4_K_M: Q4_K, with Q6_K for the output and for attn_v / ffn_down in the layers use_more_bits picks.
    private static GgmlType KQuantMedium(string tensor, int layer, int layers)
    {
        if (tensor == "output.weight")
        {
            return GgmlType.Q6_K;
        }

        bool moreBits = layer < layers / 8 || layer >= 7 * layers / 8 || (layer - (layers / 8)) % 3 == 2;
        return (tensor.EndsWith("attn_v.weight", StringComparison.Ordinal) || tensor.EndsWith("ffn_down.weight", StringComparison.Ordinal)) && moreBits
            ? GgmlType.Q6_K
            : GgmlType.Q4_K;
    }
}
