// Reads a decoder's hyper-parameters from GGUF metadata ({arch}.* keys, as llama.cpp reads them) into a DecoderSpec.
using Strata.Compiler.Builders;
using Strata.Kernels;

namespace Strata.Engine.Artifacts;

/// <summary>GGUF metadata → <see cref="DecoderSpec"/>.</summary>
/// <remarks>
/// Defaults and derived values follow llama.cpp 3f545becc (src/llama-model.cpp, src/llama-context.cpp and the per-architecture
/// src/models/*.cpp): RoPE scaling type "linear" unless named, YaRN's magnitude correction, Gemma 2's window 4096 and soft
/// caps 50/30, Gemma 3's pattern of 6, the 27B Gemmas' query scale.
/// </remarks>
public static class GgufDecoderSpec
{
    /// <summary>Architectures whose decoder a graph builder emits, and their RoPE pairing (llama.cpp's llama_model_rope_type).</summary>
    private static readonly Dictionary<string, RopeMode> Supported = new(StringComparer.Ordinal)
    {
        ["llama"] = RopeMode.Normal,
        ["mistral"] = RopeMode.Normal,
        ["qwen2"] = RopeMode.NeoX,
        ["qwen3"] = RopeMode.NeoX,
        ["qwen3moe"] = RopeMode.NeoX,
        ["gemma2"] = RopeMode.NeoX,
        ["gemma3"] = RopeMode.NeoX,
        ["phi3"] = RopeMode.NeoX,
    };

    /// <summary>The architectures Strata reads, in a stable order.</summary>
    public static IReadOnlyList<string> Architectures { get; } = [.. Supported.Keys];

    /// <summary>Reads the spec; throws <see cref="ModelFormatException"/> naming a missing or bad key.</summary>
    public static DecoderSpec Read(GgufFile gguf)
    {
        string file = Path.GetFileName(gguf.Path);
        string arch = gguf.GetString("general.architecture")
            ?? throw new ModelFormatException($"{file}: metadata 'general.architecture' is missing");
        if (!Supported.TryGetValue(arch, out var ropeMode))
        {
            throw new ModelFormatException(
                $"{file}: general.architecture is '{arch}', expected one of: {string.Join(", ", Supported.Keys)}");
        }

        int dim = Int(gguf, $"{arch}.embedding_length");
        int heads = Int(gguf, $"{arch}.attention.head_count");
        int kvHeads = gguf.TryGetValue($"{arch}.attention.head_count_kv", out _) ? Int(gguf, $"{arch}.attention.head_count_kv") : heads;
        if (heads <= 0 || (dim % heads != 0 && !gguf.TryGetValue($"{arch}.attention.key_length", out _)))
        {
            throw new ModelFormatException($"{file}: {arch}.attention.head_count is {heads}, expected a divisor of embedding_length {dim}");
        }

        int headDim = gguf.TryGetValue($"{arch}.attention.key_length", out _) ? Int(gguf, $"{arch}.attention.key_length") : dim / heads;
        int ropeDims = gguf.TryGetValue($"{arch}.rope.dimension_count", out _) ? Int(gguf, $"{arch}.rope.dimension_count") : headDim;
        var tensors = new Dictionary<string, TensorDescriptor>(gguf.Tensors.Count, StringComparer.Ordinal);
        foreach (var t in gguf.Tensors)
        {
            tensors[t.Name] = new TensorDescriptor(t.Name, t.Type, t.Dimensions);
        }

        int vocab = tensors.TryGetValue("token_embd.weight", out var embd) && embd.Dimensions.Length == 2
            ? (int)embd.Dimensions[1]
            : throw new ModelFormatException($"{file}: tensor 'token_embd.weight' is missing or not 2-D");
        int layers = Int(gguf, $"{arch}.block_count");
        int context = Int(gguf, $"{arch}.context_length");
        var experts = arch == "qwen3moe" ? QwenExperts(gguf, arch) : null;
        var rope = ReadRope(gguf, arch, new RopeSpec(ropeDims, (float)gguf.GetDouble($"{arch}.rope.freq_base", 10000.0), ropeMode), tensors);
        var spec = new DecoderSpec(
            arch,
            gguf.GetString("general.name") ?? Path.GetFileNameWithoutExtension(gguf.Path),
            dim,
            layers,
            heads,
            kvHeads,
            headDim,
            experts?.FeedForwardDim ?? Int(gguf, $"{arch}.feed_forward_length"),
            vocab,
            context,
            (float)gguf.GetDouble($"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
            rope,
            tensors)
        { Experts = experts };
        return arch switch
        {
            "gemma2" => Gemma(gguf, spec, defaultWindow: 4096, defaultPeriod: 2, attentionSoftCap: Float(gguf, $"{arch}.attn_logit_softcapping", 50f),
                finalSoftCap: Float(gguf, $"{arch}.final_logit_softcapping", 30f), localBase: rope.FrequencyBase, localScale: rope.FrequencyScale, largeLayers: 46),
            "gemma3" => Gemma(gguf, spec, defaultWindow: 0, defaultPeriod: 6, attentionSoftCap: 0,
                finalSoftCap: Float(gguf, $"{arch}.final_logit_softcapping", 0f), localBase: 10000f, localScale: 1f, largeLayers: 62),
            _ => spec,
        };
    }

    // RoPE scaling as llama.cpp's context derives it: type (default linear), factor → frequency scale, YaRN's extrapolation
    // mix and magnitude (mscale(f) / (1 + 0.1 ln f), the kernel multiplying 1 + 0.1 ln f back in), attn_factor, the factors.
    private static RopeSpec ReadRope(GgufFile gguf, string arch, RopeSpec rope, Dictionary<string, TensorDescriptor> tensors)
    {
        string type = gguf.GetString($"{arch}.rope.scaling.type") ?? "linear";
        if (type is not ("none" or "linear" or "yarn" or "longrope"))
        {
            throw new ModelFormatException($"{Path.GetFileName(gguf.Path)}: {arch}.rope.scaling.type is '{type}', expected none, linear, yarn or longrope");
        }

        float factor = Float(gguf, $"{arch}.rope.scaling.factor", Float(gguf, $"{arch}.rope.scale_linear", 0f));
        float scale = type == "none" || factor == 0 ? 1f : 1f / factor;
        float ext = type == "yarn" ? 1f : 0f;
        float magnitude = 1f;
        if (ext != 0)
        {
            float f = 1f / scale;
            magnitude = (f <= 1f ? 1f : (0.1f * MathF.Log(f)) + 1f) * (1f / (1f + (0.1f * MathF.Log(f))));
        }

        magnitude *= Float(gguf, $"{arch}.rope.scaling.attn_factor", 1f);
        int original = gguf.TryGetValue($"{arch}.rope.scaling.original_context_length", out _) ? Int(gguf, $"{arch}.rope.scaling.original_context_length") : 0;
        return rope with
        {
            FrequencyScale = scale,
            ExtFactor = ext,
            Magnitude = magnitude,
            OriginalContext = original,
            FactorsTensor = tensors.ContainsKey("rope_freqs.weight") ? "rope_freqs.weight"
                : tensors.ContainsKey("rope_factors_short.weight") ? "rope_factors_short.weight" : null,
            LongFactorsTensor = tensors.ContainsKey("rope_factors_long.weight") ? "rope_factors_long.weight" : null,
        };
    }

    // Gemma 2 and 3: sliding-window layers (l mod period < period − 1) with their own RoPE base and scale (Gemma 2: the model's; Gemma 3: 10000, unscaled), soft caps,
    // and the query scale 1/√head_dim, or 1/√(dim/heads) for the 27B models (told apart by layer count, as llama.cpp does).
    private static DecoderSpec Gemma(GgufFile gguf, DecoderSpec spec, int defaultWindow, int defaultPeriod, float attentionSoftCap, float finalSoftCap,
        float localBase, float localScale, int largeLayers)
    {
        string arch = spec.Architecture;
        int window = gguf.TryGetValue($"{arch}.attention.sliding_window", out _) ? (int)gguf.GetInteger($"{arch}.attention.sliding_window") : defaultWindow;
        int period = gguf.TryGetValue($"{arch}.attention.sliding_window_pattern", out _) ? Int(gguf, $"{arch}.attention.sliding_window_pattern") : defaultPeriod;
        var localRope = spec.Rope with
        {
            FrequencyBase = Float(gguf, $"{arch}.rope.freq_base_swa", localBase),
            FrequencyScale = localScale,
        };
        return spec with
        {
            AttentionScale = spec.Layers == largeLayers ? 1f / MathF.Sqrt(spec.EmbeddingDim / spec.Heads) : 1f / MathF.Sqrt(spec.HeadDim),
            AttentionSoftCap = attentionSoftCap,
            FinalSoftCap = finalSoftCap,
            SlidingWindow = window > 0 ? new SlidingWindowSpec(window, period, localRope) : null,
        };
    }

    // Qwen 3 MoE: expert_count and expert_used_count; an expert's width is expert_feed_forward_length, else (as llama.cpp)
    // feed_forward_length / expert_used_count; the chosen experts' weights are always renormalised.
    private static ExpertSpec QwenExperts(GgufFile gguf, string arch)
    {
        int used = Int(gguf, $"{arch}.expert_used_count");
        int width = gguf.TryGetValue($"{arch}.expert_feed_forward_length", out _)
            ? Int(gguf, $"{arch}.expert_feed_forward_length")
            : Math.Max(1, Int(gguf, $"{arch}.feed_forward_length") / used);
        return new ExpertSpec(Int(gguf, $"{arch}.expert_count"), used, width, NormalizeWeights: true);
    }

    private static float Float(GgufFile gguf, string key, float fallback) => (float)gguf.GetDouble(key, fallback);

    private static int Int(GgufFile gguf, string key)
    {
        long value = gguf.GetInteger(key);
        return value is > 0 and <= int.MaxValue
            ? (int)value
            : throw new ModelFormatException($"{Path.GetFileName(gguf.Path)}: metadata '{key}' is {value}, expected 1 to {int.MaxValue}");
    }
}
