// What one Embedder call returns: the embeddings in input order and the token facts usage and evidence report.
namespace Strata.Engine.Embeddings;

/// <summary>The sentence embeddings of a list of texts, in the order the texts were given.</summary>
/// <param name="Embeddings">(texts)(hidden): each L2-normalised.</param>
/// <param name="TokenCounts">(texts): tokens each text was encoded with, [CLS] and [SEP] included, after truncation.</param>
/// <param name="TruncatedInputs">Indices of the texts cut to the model's maximum token count, ascending; empty when none was.</param>
public sealed record EmbeddingResult(float[][] Embeddings, int[] TokenCounts, int[] TruncatedInputs)
{
    /// <summary>Σ <see cref="TokenCounts"/>: OpenAI's usage.prompt_tokens.</summary>
    public int PromptTokens
    {
        get
        {
            int total = 0;
            foreach (int count in TokenCounts)
            {
                total += count;
            }

            return total;
        }
    }
}
