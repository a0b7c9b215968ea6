// Temperature: divide the live logits by T (> 0); order is preserved.
namespace Strata.Engine.Sampling;

/// <summary>Scales the live logits by 1/T. Greedy decoding (T = 0) is <see cref="GreedySampler"/>, not this stage.</summary>
public sealed class TemperatureSampler : ISampler
{
    private readonly float _temperature;

    /// <summary>Creates the stage.</summary>
    /// <exception cref="ArgumentException"><paramref name="temperature"/> is not finite and &gt; 0</exception>
    public TemperatureSampler(float temperature)
    {
        if (!(float.IsFinite(temperature) && temperature > 0f))
        {
            throw new ArgumentException(
                $"SamplerOptions.Temperature for the temperature stage must be a finite value > 0 (use greedy for 0); found {temperature}.",
                nameof(temperature));
        }

        _temperature = temperature;
        Name = $"temperature({temperature})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (_temperature == 1f)
        {
            return;
        }

        float scale = 1f / _temperature;
        var logits = candidates.Logits;
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] *= scale;
        }
    }
}
