// Reads a Llama-family decoder's hyper-parameters from GGUF metadata ({arch}.* keys) into a DecoderSpec.
using Strata.Compiler.Builders;
using Strata.Kernels;

namespace Strata.Engine.Artifacts;

/// <summary>GGUF metadata → <see cref="DecoderSpec"/>.</summary>
public static class GgufDecoderSpec
{
    /// <summary>Architectures whose decoder the Llama graph builder emits, and their RoPE pairing.</summary>
    private static readonly Dictionary<string, RopeMode> Supported = new(StringComparer.Ordinal)
    {
        ["llama"] = RopeMode.Normal,
        ["mistral"] = RopeMode.Normal,
        ["qwen2"] = RopeMode.NeoX,
    };

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
        if (heads <= 0 || dim % heads != 0)
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
        return new DecoderSpec(
            arch,
            gguf.GetString("general.name") ?? Path.GetFileNameWithoutExtension(gguf.Path),
            dim,
            Int(gguf, $"{arch}.block_count"),
            heads,
            kvHeads,
            headDim,
            Int(gguf, $"{arch}.feed_forward_length"),
            vocab,
            Int(gguf, $"{arch}.context_length"),
            (float)gguf.GetDouble($"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
            new RopeSpec(ropeDims, (float)gguf.GetDouble($"{arch}.rope.freq_base", 10000.0), ropeMode),
            tensors);
    }

    private static int Int(GgufFile gguf, string key)
    {
        long value = gguf.GetInteger(key);
        return value is > 0 and <= int.MaxValue
            ? (int)value
            : throw new ModelFormatException($"{Path.GetFileName(gguf.Path)}: metadata '{key}' is {value}, expected 1 to {int.MaxValue}");
    }
}
