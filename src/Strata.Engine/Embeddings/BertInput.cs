// The three int64 input tensors of a BERT-family encoder for one padded batch: plain data for any runner.
namespace Strata.Engine.Embeddings;

/// <summary>
/// One batch of tokenized texts as a BERT-family encoder takes it (the ONNX inputs <c>input_ids</c>,
/// <c>attention_mask</c>, <c>token_type_ids</c>), row-major, every row padded to <see cref="SequenceLength"/>.
/// </summary>
/// <param name="InputIds">(batch, sequence): [CLS] pieces… [SEP], then [PAD] ids.</param>
/// <param name="AttentionMask">(batch, sequence): 1 for a real token (including [CLS] and [SEP]), 0 for padding.</param>
/// <param name="TokenTypeIds">(batch, sequence): all 0 (one segment per text).</param>
/// <param name="BatchSize">Number of texts.</param>
/// <param name="SequenceLength">Tokens per row after padding: the longest text's count, capped by the maximum.</param>
/// <param name="TokenCounts">(batch): real tokens in each row, [CLS] and [SEP] included.</param>
/// <param name="TruncatedRows">Indices of the texts cut to the maximum token count; empty when none was.</param>
public sealed record BertInput(
    long[] InputIds,
    long[] AttentionMask,
    long[] TokenTypeIds,
    int BatchSize,
    int SequenceLength,
    int[] TokenCounts,
    int[] TruncatedRows)
{
    /// <summary>The input ids of row <paramref name="row"/>, padding included.</summary>
    public ReadOnlySpan<long> Row(int row) => InputIds.AsSpan(row * SequenceLength, SequenceLength);

    /// <summary>The attention mask of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<long> MaskRow(int row) => AttentionMask.AsSpan(row * SequenceLength, SequenceLength);
}
