// Turns an encoder's last_hidden_state into sentence embeddings: masked mean pooling, then L2 normalisation.
namespace Strata.Engine.Embeddings;

/// <summary>
/// Pooling as sentence-transformers' all-MiniLM-L6-v2 does it (its <c>Pooling</c> then <c>Normalize</c> modules):
/// the mean of the token vectors whose attention mask is 1 ([CLS] and [SEP] included), divided by its L2 norm.
/// Spans in, span out; nothing is allocated.
/// </summary>
public static class SentencePooling
{
    /// <summary>Smallest norm divided by, as torch.nn.functional.normalize's eps: a zero vector stays zero.</summary>
    public const float NormEpsilon = 1e-12f;

    /// <summary>
    /// pooled = Σ hidden[t] over tokens with mask[t] ≠ 0, divided by their count; all zeros when no token counts.
    /// </summary>
    /// <param name="hiddenStates">(tokens, hiddenSize) of one sequence, row-major.</param>
    /// <param name="attentionMask">(tokens): 1 for a real token, 0 for padding.</param>
    /// <param name="pooled">(hiddenSize): written.</param>
    /// <exception cref="ArgumentException">The hidden states are not tokens × hiddenSize.</exception>
    public static void MeanPool(ReadOnlySpan<float> hiddenStates, ReadOnlySpan<long> attentionMask, Span<float> pooled)
    {
        int hiddenSize = pooled.Length;
        if (hiddenStates.Length != attentionMask.Length * hiddenSize)
        {
            throw new ArgumentException(
                $"Hidden states hold {hiddenStates.Length} values; {attentionMask.Length} tokens × {hiddenSize} need {attentionMask.Length * hiddenSize}.",
                nameof(hiddenStates));
        }

        pooled.Clear();
        int counted = 0;
        for (int t = 0; t < attentionMask.Length; t++)
        {
            if (attentionMask[t] != 0)
            {
                SpanArithmetic.AddInPlace(pooled, hiddenStates.Slice(t * hiddenSize, hiddenSize));
                counted++;
            }
        }

        if (counted > 0)
        {
            SpanArithmetic.Scale(pooled, 1f / counted);
        }
    }

    /// <summary>vector /= max(‖vector‖₂, <see cref="NormEpsilon"/>).</summary>
    public static void L2Normalize(Span<float> vector)
    {
        float norm = MathF.Sqrt(SpanArithmetic.Dot(vector, vector));
        SpanArithmetic.Scale(vector, 1f / MathF.Max(norm, NormEpsilon));
    }

    /// <summary>
    /// The normalised sentence embedding of every row of a batch: <see cref="MeanPool"/> then <see cref="L2Normalize"/>.
    /// </summary>
    /// <param name="lastHiddenState">(batch, sequence, hiddenSize), row-major.</param>
    /// <param name="attentionMask">(batch, sequence).</param>
    /// <param name="embeddings">(batch, hiddenSize): written.</param>
    /// <param name="hiddenSize">Width of one token vector.</param>
    /// <exception cref="ArgumentException">The spans do not agree on batch, sequence and hidden size.</exception>
    public static void Embed(ReadOnlySpan<float> lastHiddenState, ReadOnlySpan<long> attentionMask, Span<float> embeddings, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        if (embeddings.Length % hiddenSize != 0)
        {
            throw new ArgumentException($"Embeddings hold {embeddings.Length} values, not a multiple of the hidden size {hiddenSize}.", nameof(embeddings));
        }

        int batch = embeddings.Length / hiddenSize;
        if (batch == 0 || attentionMask.Length % batch != 0)
        {
            throw new ArgumentException($"Attention mask of {attentionMask.Length} values does not split into {batch} rows.", nameof(attentionMask));
        }

        int sequence = attentionMask.Length / batch;
        if (lastHiddenState.Length != batch * sequence * hiddenSize)
        {
            throw new ArgumentException(
                $"last_hidden_state holds {lastHiddenState.Length} values; ({batch}, {sequence}, {hiddenSize}) needs {batch * sequence * hiddenSize}.",
                nameof(lastHiddenState));
        }

        for (int row = 0; row < batch; row++)
        {
            Span<float> embedding = embeddings.Slice(row * hiddenSize, hiddenSize);
            MeanPool(lastHiddenState.Slice(row * sequence * hiddenSize, sequence * hiddenSize), attentionMask.Slice(row * sequence, sequence), embedding);
            L2Normalize(embedding);
        }
    }
}
