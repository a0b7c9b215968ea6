// ONNX Runtime behind the engine's encoder seam: OnnxRuntimeEncoder adapted to ISentenceEncoder.
using Strata.Engine.Embeddings;

namespace Strata.OnnxRuntime;

/// <summary>An <see cref="ISentenceEncoder"/> that runs the model with ONNX Runtime (<see cref="OnnxRuntimeEncoder"/>).</summary>
public sealed class OnnxRuntimeSentenceEncoder : ISentenceEncoder
{
    /// <summary>BERT's max_position_embeddings: the sequence limit when the caller does not know the model's.</summary>
    public const int BertMaxTokens = 512;

    private readonly OnnxRuntimeEncoder _encoder;

    private OnnxRuntimeSentenceEncoder(OnnxRuntimeEncoder encoder, int maxTokens)
    {
        _encoder = encoder;
        MaxTokens = maxTokens;
        Describe = $"onnxruntime {OnnxRuntimeEncoder.RuntimeVersion} (intra-op threads {encoder.IntraOpThreads})";
    }

    /// <inheritdoc/>
    public int HiddenSize => _encoder.HiddenSize;

    /// <inheritdoc/>
    public int MaxTokens { get; }

    /// <inheritdoc/>
    public string Describe { get; }

    /// <summary>Opens <paramref name="modelPath"/> with ONNX Runtime.</summary>
    /// <param name="modelPath">a BERT-family encoder (.onnx) with input_ids, attention_mask, token_type_ids and last_hidden_state</param>
    /// <param name="intraOpThreads">threads ONNX Runtime uses inside one operator</param>
    /// <param name="maxTokens">the model's longest sequence (its position embeddings); ONNX models declare it only in their weights</param>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model ONNX Runtime can load, or not such an encoder.</exception>
    public static OnnxRuntimeSentenceEncoder Open(string modelPath, int intraOpThreads, int maxTokens = BertMaxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        try
        {
            return new OnnxRuntimeSentenceEncoder(OnnxRuntimeEncoder.Open(modelPath, intraOpThreads), maxTokens);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            // ONNX Runtime's own message says what it could not read; the caller's boundary reports a bad file, not a defect.
            throw new InvalidDataException($"ONNX model '{modelPath}' cannot be loaded by ONNX Runtime: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Encode(BertInput input, Span<float> lastHiddenState)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.SequenceLength > MaxTokens)
        {
            throw new ArgumentException($"The batch's rows hold {input.SequenceLength} tokens; this model takes at most {MaxTokens}.", nameof(input));
        }

        _encoder.Run(new EncoderFeeds(input.InputIds, input.AttentionMask, input.TokenTypeIds, input.BatchSize, input.SequenceLength), lastHiddenState);
    }

    /// <inheritdoc/>
    public void Dispose() => _encoder.Dispose();
}
