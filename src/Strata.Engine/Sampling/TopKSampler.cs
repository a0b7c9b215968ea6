// Top-k: keep the K highest-logit candidates, found by partial selection rather than a full sort.
namespace Strata.Engine.Sampling;

/// <summary>Keeps the <c>k</c> highest-logit candidates, sorted descending; k = 0 or k ≥ count is a no-op.</summary>
public sealed class TopKSampler : ISampler
{
    private readonly int _k;

    /// <summary>Creates the stage.</summary>
    /// <exception cref="ArgumentException"><paramref name="k"/> is negative</exception>
    public TopKSampler(int k)
    {
        new SamplerOptions { TopK = k }.Validate();
        _k = k;
        Name = $"top_k({k})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (_k == 0 || _k >= candidates.Count)
        {
            return;
        }

        candidates.KeepTop(_k);
    }
}
