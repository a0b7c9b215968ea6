// Top-p (nucleus): keep the smallest descending prefix whose probability mass reaches P.
namespace Strata.Engine.Sampling;

/// <summary>
/// Keeps the smallest set of most likely candidates whose probabilities sum to at least <c>p</c>
/// (llama.cpp's top_p with min_keep = 1). Sorts only as deep as needed: a growing partial selection.
/// </summary>
public sealed class TopPSampler : ISampler
{
    private const int InitialWindow = 64;
    private readonly float _p;

    /// <summary>Creates the stage.</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is not in (0, 1]</exception>
    public TopPSampler(float p)
    {
        new SamplerOptions { TopP = p }.Validate();
        _p = p;
        Name = $"top_p({p})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (_p >= 1f || candidates.Count <= 1)
        {
            return;
        }

        float max = candidates.MaxLogit();
        if (float.IsNegativeInfinity(max))
        {
            return;
        }

        double sum = 0;
        var all = candidates.Logits;
        for (int i = 0; i < all.Length; i++)
        {
            sum += MathF.Exp(all[i] - max);
        }

        int window = Math.Min(candidates.Count, InitialWindow);
        while (true)
        {
            candidates.SortTop(window);
            var logits = candidates.Logits;
            double cumulative = 0;
            for (int i = 0; i < window; i++)
            {
                cumulative += MathF.Exp(logits[i] - max) / sum;
                if (cumulative >= _p)
                {
                    candidates.Truncate(i + 1);
                    return;
                }
            }

            if (window == candidates.Count)
            {
                return; // rounding left the total just under p: keep everything
            }

            window = Math.Min(candidates.Count, window * 8);
        }
    }
}
