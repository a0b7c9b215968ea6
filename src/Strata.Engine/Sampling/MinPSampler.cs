// Min-p: drop candidates whose probability is below P times the most likely candidate's.
namespace Strata.Engine.Sampling;

/// <summary>
/// Keeps candidates with probability ≥ <c>p</c>·max probability, i.e. logit ≥ max logit + ln p
/// (llama.cpp's min_p). Keeps the relative order, so a sorted list stays sorted.
/// </summary>
public sealed class MinPSampler : ISampler
{
    private readonly float _p;

    /// <summary>Creates the stage.</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is not in [0, 1]</exception>
    public MinPSampler(float p)
    {
        new SamplerOptions { MinP = p }.Validate();
        _p = p;
        Name = $"min_p({p})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (_p <= 0f || candidates.Count <= 1)
        {
            return;
        }

        float threshold = candidates.MaxLogit() + MathF.Log(_p);
        var ids = candidates.Ids;
        var logits = candidates.Logits;
        int kept = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] >= threshold)
            {
                ids[kept] = ids[i];
                logits[kept] = logits[i];
                kept++;
            }
        }

        candidates.Truncate(kept);
    }
}
