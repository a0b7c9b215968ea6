// Greedy final stage: select the highest logit, the lowest token id on ties.
namespace Strata.Engine.Sampling;

/// <summary>Selects the candidate with the largest logit; on ties, the one with the lowest token id.</summary>
public sealed class GreedySampler : ISampler
{
    /// <inheritdoc/>
    public string Name => "greedy";

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (candidates.Sorted)
        {
            candidates.Select(0);
            return;
        }

        var ids = candidates.Ids;
        var logits = candidates.Logits;
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best] || (logits[i] == logits[best] && ids[i] < ids[best]))
            {
                best = i;
            }
        }

        candidates.Select(best);
    }
}
