// Final stage: softmax over the live candidates, then one draw from an injected seeded PRNG.
namespace Strata.Engine.Sampling;

/// <summary>
/// Selects a candidate at random in proportion to its softmax probability (llama.cpp's dist sampler),
/// drawing from the injected <see cref="Xoshiro256Random"/> so a seed reproduces the choice.
/// </summary>
public sealed class DistributionSampler : ISampler
{
    private readonly Xoshiro256Random _random;

    /// <summary>Creates the stage drawing from <paramref name="random"/>.</summary>
    public DistributionSampler(Xoshiro256Random random)
    {
        _random = random;
        Name = $"dist(seed={random.Seed})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        candidates.ComputeProbabilities();
        var probs = candidates.Probs;
        double target = _random.NextDouble();
        double cumulative = 0;
        for (int i = 0; i < probs.Length; i++)
        {
            cumulative += probs[i];
            if (target < cumulative)
            {
                candidates.Select(i);
                return;
            }
        }

        // Rounding left the total just under the draw: take the last candidate with any mass.
        for (int i = probs.Length - 1; i >= 0; i--)
        {
            if (probs[i] > 0f)
            {
                candidates.Select(i);
                return;
            }
        }
    }
}
