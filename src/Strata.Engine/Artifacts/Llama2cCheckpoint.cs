// llama2.c checkpoint reader (run.c format): 7 × int32 header, then f32 weights in a fixed order, mapped in place.
using System.Buffers.Binary;
using Strata.Compiler.Builders;
using Strata.Kernels;
using Strata.Substrate;

namespace Strata.Engine.Artifacts;

/// <summary>
/// A llama2.c <c>*.bin</c> checkpoint. Header: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative when
/// the classifier is not shared with the embedding), seq_len. Weights follow as f32 in run.c's order; every tensor is
/// exposed under its GGUF name so one graph builder serves both formats.
/// </summary>
public sealed class Llama2cCheckpoint
{
    private const int HeaderBytes = 7 * sizeof(int);
    private const int MaxReasonable = 1 << 20;

    private Llama2cCheckpoint(DecoderSpec spec, Dictionary<string, long> offsets, long expectedBytes, bool sharedClassifier)
    {
        Spec = spec;
        Offsets = offsets;
        ExpectedBytes = expectedBytes;
        SharedClassifier = sharedClassifier;
    }

    /// <summary>The decoder described by the header, with GGUF tensor names.</summary>
    public DecoderSpec Spec { get; }

    /// <summary>Absolute file offset of each tensor.</summary>
    public IReadOnlyDictionary<string, long> Offsets { get; }

    /// <summary>Bytes the header says the file needs.</summary>
    public long ExpectedBytes { get; }

    /// <summary>True when the output classifier is the token embedding.</summary>
    public bool SharedClassifier { get; }

    /// <summary>Reads and validates the header of a mapped checkpoint.</summary>
    /// <exception cref="ModelFormatException">the header is out of range or the file is shorter than it says</exception>
    public static Llama2cCheckpoint Read(MappedFile file)
    {
        string name = Path.GetFileName(file.Path);
        if (file.LengthBytes < HeaderBytes)
        {
            throw new ModelFormatException($"{name}: llama2.c header needs {HeaderBytes} bytes, file has {file.LengthBytes}");
        }

        var header = new int[7];
        for (int i = 0; i < header.Length; i++)
        {
            header[i] = BinaryPrimitives.ReadInt32LittleEndian(file.Span(i * 4, 4));
        }

        int Field(int i) => header[i];
        int dim = Positive(name, "dim", Field(0));
        int hidden = Positive(name, "hidden_dim", Field(1));
        int layers = Positive(name, "n_layers", Field(2));
        int heads = Positive(name, "n_heads", Field(3));
        int kvHeads = Positive(name, "n_kv_heads", Field(4));
        int rawVocab = Field(5);
        int seqLen = Positive(name, "seq_len", Field(6));
        if (rawVocab == 0 || rawVocab == int.MinValue || Math.Abs(rawVocab) > MaxReasonable)
        {
            throw new ModelFormatException($"{name}: header vocab_size is {rawVocab}, expected a non-zero value within ±{MaxReasonable}");
        }

        if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0)
        {
            throw new ModelFormatException(
                $"{name}: header dim {dim}, n_heads {heads}, n_kv_heads {kvHeads}: expected dim divisible by n_heads into an even head size and n_heads divisible by n_kv_heads");
        }

        bool shared = rawVocab > 0;
        int vocab = Math.Abs(rawVocab);
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;
        var layout = new Llama2cLayout(dim, hidden, layers, kvDim, vocab, seqLen, headDim);
        Int128 needed = layout.End(HeaderBytes, shared);
        if (needed > file.LengthBytes)
        {
            throw new ModelFormatException(
                $"{name}: header (dim {dim}, layers {layers}, vocab {vocab}, seq_len {seqLen}) needs {needed} bytes, file has {file.LengthBytes} (truncated, or not a llama2.c checkpoint)");
        }

        var (offsets, tensors, end) = layout.Place(HeaderBytes, shared);
        System.Diagnostics.Debug.Assert(end == needed, "Llama2cLayout.End and Place disagree");

        var spec = new DecoderSpec("llama", Path.GetFileNameWithoutExtension(file.Path), dim, layers, heads, kvHeads, headDim, hidden, vocab,
            seqLen, 1e-5f, new RopeSpec(headDim, 10000f, RopeMode.Normal), tensors);
        return new Llama2cCheckpoint(spec, offsets, end, shared);
    }

    private static int Positive(string name, string field, int value) => value is > 0 and <= MaxReasonable
        ? value
        : throw new ModelFormatException($"{name}: header {field} is {value}, expected 1 to {MaxReasonable}");
}
