// Compares embeddings: cosine similarity, and the largest element-wise difference goldens are checked with.
namespace Strata.Engine.Embeddings;

/// <summary>Similarity measures between two embeddings of the same width.</summary>
public static class EmbeddingSimilarity
{
    /// <summary>a·b / (‖a‖‖b‖); 0 when either vector is zero.</summary>
    /// <exception cref="ArgumentException">The widths differ.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Embeddings differ in width: {a.Length} and {b.Length}.", nameof(b));
        }

        float normProduct = MathF.Sqrt(SpanArithmetic.Dot(a, a)) * MathF.Sqrt(SpanArithmetic.Dot(b, b));
        return normProduct == 0 ? 0 : SpanArithmetic.Dot(a, b) / normProduct;
    }

    /// <summary>max |a[i] − b[i]|; 0 for empty vectors.</summary>
    /// <exception cref="ArgumentException">The widths differ.</exception>
    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Embeddings differ in width: {a.Length} and {b.Length}.", nameof(b));
        }

        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
