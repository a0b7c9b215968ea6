// The encoder seam of the embeddings path: a BERT-family model that turns one padded batch into last_hidden_state.
// ONNX Runtime implements it (Strata.OnnxRuntime); Strata's own compiled encoder will be the second implementation.
namespace Strata.Engine.Embeddings;

/// <summary>
/// Runs a BERT-family encoder: <see cref="BertInput"/> in, last_hidden_state (batch, sequence, hidden) f32 out.
/// Implementations need not be thread-safe; <see cref="Embedder"/> serializes its calls.
/// </summary>
public interface ISentenceEncoder : IDisposable
{
    /// <summary>Width of one token vector of last_hidden_state (384 for all-MiniLM-L6-v2).</summary>
    int HiddenSize { get; }

    /// <summary>The longest sequence the model takes, [CLS] and [SEP] included (its position embeddings: 512 for MiniLM).</summary>
    int MaxTokens { get; }

    /// <summary>One line naming the runtime for evidence, e.g. "onnxruntime 1.32.0".</summary>
    string Describe { get; }

    /// <summary>Runs one batch and writes last_hidden_state into <paramref name="lastHiddenState"/>.</summary>
    /// <param name="input">the padded batch; its sequence length is at most <see cref="MaxTokens"/></param>
    /// <param name="lastHiddenState">(batch, sequence, hidden), row-major: exactly that many floats</param>
    /// <exception cref="ArgumentException">the destination's length is not batch × sequence × hidden, or the sequence is too long</exception>
    void Encode(BertInput input, Span<float> lastHiddenState);
}
