// A loaded model file: its decoder spec, weight addresses in its copy or mapping, tokenizer and identity for evidence.
using Strata.Compiler.Builders;
using Strata.Engine.Tokenizers;
using Strata.Evidence;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Engine.Artifacts;

/// <summary>
/// An opened model (GGUF or llama2.c). Weights stay in the file's private copy or its mapping (<see cref="Load"/>);
/// <see cref="WeightAddress"/> hands out validated addresses. Disposing frees or unmaps them, so executables bound to it
/// must be dropped first.
/// </summary>
public sealed class ModelArtifact : IDisposable
{
    private long _released;
    private readonly IDisposable _owner;
    private readonly MappedFile _file;
    private readonly Func<string, nint> _address;
    private readonly Lazy<string> _sha256;
    private volatile bool _fileChanged;

    private ModelArtifact(string path, string format, DecoderSpec spec, ITokenizer tokenizer, IDisposable owner, MappedFile file,
        Func<string, nint> address)
    {
        Path = path;
        Format = format;
        Spec = spec;
        Tokenizer = tokenizer;
        _owner = owner;
        _file = file;
        _address = address;
        FileBytes = file.LengthBytes;
        // A copy is hashed as it is read, so the hash is of the bytes in use; a mapping's bytes are the file's.
        _sha256 = file.ContentSha256 is { } copied ? new Lazy<string>(copied) : new Lazy<string>(() => EvidenceHash.Sha256HexOfFile(path));
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

    /// <summary>
    /// The file's chat template (GGUF <c>tokenizer.chat_template</c>, Jinja) with its BOS/EOS token texts; null for a
    /// llama2.c checkpoint. Its <see cref="Templates.GgufChatTemplate.Source"/> is null when the GGUF has no template.
    /// </summary>
    public Templates.GgufChatTemplate? ChatTemplate { get; private init; }

    /// <summary>
    /// sha256 of the model file, hex: with <see cref="FileLoad.Copy"/> of the bytes copied at load (those in use, whatever
    /// the file holds later); mapped, computed on first use by a read of the whole file.
    /// </summary>
    public string FileSha256 => _sha256.Value;

    /// <summary>Whether the weights were copied into the process (immune to the file) or are mapped from it.</summary>
    public FileLoad Load => _file.Load;

    /// <summary>The file's identity (size, times, inode) when it was loaded.</summary>
    public FileIdentity LoadedIdentity => _file.Identity;

    /// <summary>
    /// True once the file at <see cref="Path"/> is no longer the one loaded: written, truncated, replaced or removed (one
    /// stat call; once true it stays true). With <see cref="FileLoad.Copy"/> the weights in use are unchanged and
    /// <see cref="FileSha256"/> still names them; mapped, the weights in use may have changed with the file.
    /// </summary>
    public bool FileChanged
    {
        get
        {
            if (!_fileChanged && (!FileIdentity.TryOf(Path, out var now) || now != _file.Identity))
            {
                _fileChanged = true;
            }

            return _fileChanged;
        }
    }

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

    /// <summary>
    /// Opens a GGUF model, or a llama2.c checkpoint with its tokenizer file, its weights copied into memory or mapped as
    /// <paramref name="load"/> says (mapped by default: cheapest for reading metadata; <see cref="Runtime.ModelRuntime"/>
    /// loads as its options say).
    /// </summary>
    /// <exception cref="ModelFormatException">the file (or tokenizer) is malformed or unsupported</exception>
    /// <exception cref="IOException">the file changed while it was being copied</exception>
    public static ModelArtifact Open(string modelPath, string? tokenizerPath = null, FileLoad load = FileLoad.Map)
    {
        string full = System.IO.Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"model file not found: '{full}'", full);
        }

        return GgufFile.HasMagic(full) ? OpenGguf(full, load) : OpenLlama2c(full, tokenizerPath, load);
    }

    private static ModelArtifact OpenGguf(string path, FileLoad load)
    {
        var gguf = GgufFile.Open(path, load);
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
            var template = Templates.GgufChatTemplate.Read(gguf, tokenizer);
            return new ModelArtifact(path, "gguf", spec, tokenizer, gguf, gguf.Bytes, Address) { ChatTemplate = template };
        }
        catch
        {
            gguf.Dispose();
            throw;
        }
    }

    private static ModelArtifact OpenLlama2c(string path, string? tokenizerPath, FileLoad load)
    {
        if (tokenizerPath is null)
        {
            throw new ModelFormatException(
                $"{System.IO.Path.GetFileName(path)} is not a GGUF file; as a llama2.c checkpoint it needs a tokenizer file (--tokenizer tok512.bin)");
        }

        var file = MappedFile.Open(path, load);
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

            return new ModelArtifact(path, "llama2c", checkpoint.Spec, tokenizer, file, file, Address);
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
    /// Takes the whole pages of [address, address + bytes) of the weights out of the resident set, for weights now read
    /// from a packed copy. Mapped, a later read faults them back in from the file; copied, they are gone for good (see
    /// <see cref="MappedFile.DropResident"/>). Returns the bytes released.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside the model file</exception>
    public long DropResident(nint address, long bytes)
    {
        long released = _file.DropResident(address, bytes);
        Interlocked.Add(ref _released, released);
        return released;
    }

    /// <summary>
    /// Bytes of the weights taken out of the resident set so far (<see cref="DropResident"/>). Copied, those bytes are gone
    /// for good: a second runner over the same artifact could not read them, so it is refused (see ExecutableRunner).
    /// </summary>
    public long ReleasedBytes => Interlocked.Read(ref _released);

    /// <inheritdoc/>
    public void Dispose() => _owner.Dispose();
}
