// The int64 inputs of a BERT-family encoder as ONNX Runtime is fed them: plain arrays with their shape.
namespace Strata.OnnxRuntime;

/// <summary>One batch for <see cref="OnnxRuntimeEncoder"/>; the arrays are read in place, never copied.</summary>
/// <param name="InputIds">(batch, sequence).</param>
/// <param name="AttentionMask">(batch, sequence).</param>
/// <param name="TokenTypeIds">(batch, sequence).</param>
/// <param name="BatchSize">Rows.</param>
/// <param name="SequenceLength">Tokens per row.</param>
public readonly record struct EncoderFeeds(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds, int BatchSize, int SequenceLength)
{
    /// <summary>BatchSize × SequenceLength: the length every array must have.</summary>
    public int ElementCount => BatchSize * SequenceLength;
}
