// A loaded model file: its decoder spec, weight addresses in the mapping, tokenizer and identity for evidence.
using Strata.Compiler.Builders;
using Strata.Engine.Tokenizers;
using Strata.Evidence;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Engine.Artifacts;

/// <summary>
/// An opened model (GGUF or llama2.c). Weights stay in the file mapping; <see cref="WeightAddress"/> hands out
/// validated addresses. Disposing unmaps the file, so executables bound to it must be dropped first.
/// </summary>
public sealed class ModelArtifact : IDisposable
{
    private readonly IDisposable _owner;
    private readonly Func<string, nint> _address;
    private readonly Lazy<string> _sha256;

    private ModelArtifact(string path, string format, DecoderSpec spec, ITokenizer tokenizer, IDisposable owner,
        Func<string, nint> address, long fileBytes)
    {
        Path = path;
        Format = format;
        Spec = spec;
        Tokenizer = tokenizer;
        _owner = owner;
        _address = address;
        FileBytes = fileBytes;
        _sha256 = new Lazy<string>(() => EvidenceHash.Sha256HexOfFile(path));
    }

    /// <summary>Full path of the model file.</summary>
    public string Path { get; }

    /// <summary>"gguf" or "llama2c".</summary>
    public string Format { get; }

    /// <summary>The decoder's hyper-parameters and weight catalogue.</summary>
    public DecoderSpec Spec { get; }

    /// <summary>The tokenizer (from GGUF metadata or the llama2.c tokenizer file).</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Size of the model file.</summary>
    public long FileBytes { get; }

    /// <summary>sha256 of the model file, hex (computed on first use: a read of the whole file).</summary>
    public string FileSha256 => _sha256.Value;

    /// <summary>Number of tensors of each type, e.g. {"Q4_0": 28, "F32": 9}.</summary>
    public IReadOnlyDictionary<string, int> TypeHistogram
    {
        get
        {
            var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var t in Spec.Tensors.Values)
            {
                histogram[t.Type.ToString()] = histogram.GetValueOrDefault(t.Type.ToString()) + 1;
            }

            return histogram;
        }
    }

    /// <summary>Opens a GGUF model, or a llama2.c checkpoint with its tokenizer file.</summary>
    /// <exception cref="ModelFormatException">the file (or tokenizer) is malformed or unsupported</exception>
    public static ModelArtifact Open(string modelPath, string? tokenizerPath = null)
    {
        string full = System.IO.Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"model file not found: '{full}'", full);
        }

        return GgufFile.HasMagic(full) ? OpenGguf(full) : OpenLlama2c(full, tokenizerPath);
    }

    private static ModelArtifact OpenGguf(string path)
    {
        var gguf = GgufFile.Open(path);
        try
        {
            var spec = GgufDecoderSpec.Read(gguf);
            var tokenizer = TokenizerFactory.FromGguf(gguf);
            if (tokenizer.VocabSize != spec.VocabSize)
            {
                // llama.cpp requires the same: a row per token id, and no logits for ids the tokenizer cannot decode.
                throw new ModelFormatException(
                    $"{System.IO.Path.GetFileName(path)}: tensor 'token_embd.weight' has {spec.VocabSize} rows, expected one per token of tokenizer.ggml.tokens ({tokenizer.VocabSize})");
            }

            nint Address(string name) => gguf.TryGetTensor(name, out var t)
                ? gguf.TensorAddress(t)
                : throw new ModelFormatException($"{System.IO.Path.GetFileName(path)}: tensor '{name}' is missing");
            return new ModelArtifact(path, "gguf", spec, tokenizer, gguf, Address, gguf.LengthBytes);
        }
        catch
        {
            gguf.Dispose();
            throw;
        }
    }

    private static ModelArtifact OpenLlama2c(string path, string? tokenizerPath)
    {
        if (tokenizerPath is null)
        {
            throw new ModelFormatException(
                $"{System.IO.Path.GetFileName(path)} is not a GGUF file; as a llama2.c checkpoint it needs a tokenizer file (--tokenizer tok512.bin)");
        }

        var file = MappedFile.Open(path);
        try
        {
            var checkpoint = Llama2cCheckpoint.Read(file);
            var tokenizer = TokenizerFactory.FromLlama2c(tokenizerPath, checkpoint.Spec.VocabSize);
            nint Address(string name)
            {
                var t = checkpoint.Spec.Tensors[name];
                long bytes = GgmlTypeInfo.RowBytes(t.Type, t.Dimensions[0]) * (t.Dimensions.Length > 1 ? t.Dimensions[1] : 1);
                return file.Address(checkpoint.Offsets[name], bytes);
            }

            return new ModelArtifact(path, "llama2c", checkpoint.Spec, tokenizer, file, Address, file.LengthBytes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Address of a weight tensor's first byte, checked against the file.</summary>
    public nint WeightAddress(string tensorName) => _address(tensorName);

    /// <summary>
    /// Takes the whole pages of [address, address + bytes) of the mapped file out of the resident set, for weights now
    /// read from a packed copy; a later read faults them back in from the file. Returns the bytes released.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside the model file</exception>
    public long DropResident(nint address, long bytes) => _owner switch
    {
        GgufFile gguf => gguf.DropResident(address, bytes),
        MappedFile file => file.DropResident(address, bytes),
        _ => 0,
    };

    /// <inheritdoc/>
    public void Dispose() => _owner.Dispose();
}
