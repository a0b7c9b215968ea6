// Sampling parameters (llama.cpp names and defaults), validated up front and never clamped.
namespace Strata.Engine.Sampling;

/// <summary>
/// Parameters of the sampler chain, with llama.cpp's defaults. <see cref="Validate"/> rejects out-of-range
/// values with the field name and the allowed range; nothing is clamped silently.
/// </summary>
public sealed record SamplerOptions
{
    /// <summary>Softmax temperature; 0 selects greedy decoding (argmax of the penalised logits). Must be ≥ 0.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep only the K most likely tokens; 0 turns the stage off. Must be ≥ 0.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Keep the smallest set of tokens whose probabilities sum to at least P; 1 turns the stage off. In (0, 1].</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Drop tokens whose probability is below MinP times the top probability; 0 turns the stage off. In [0, 1].</summary>
    public float MinP { get; init; } = 0.05f;

    /// <summary>Divide positive / multiply negative logits of recently seen tokens; 1 turns it off. Must be finite and &gt; 0.</summary>
    public float RepetitionPenalty { get; init; } = 1.0f;

    /// <summary>Subtracted from a recent token's logit once per occurrence; 0 turns it off. Must be finite.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Subtracted once from the logit of any recent token; 0 turns it off. Must be finite.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>How many of the most recent history tokens the penalties look at; 0 = none, -1 = the whole history.</summary>
    public int PenaltyLastN { get; init; } = 64;

    /// <summary>Seed of the distribution sampler's PRNG; null draws a seed from the OS at chain construction.</summary>
    public ulong? Seed { get; init; }

    /// <summary>True when decoding is greedy (<see cref="Temperature"/> is 0).</summary>
    public bool IsGreedy => Temperature == 0f;

    /// <summary>True when any of the three penalties would change a logit.</summary>
    public bool HasPenalties =>
        PenaltyLastN != 0 && (RepetitionPenalty != 1f || FrequencyPenalty != 0f || PresencePenalty != 0f);

    /// <summary>Checks every field against its allowed range.</summary>
    /// <exception cref="ArgumentException">a field is out of range; the message names the field, the range and the value found</exception>
    public void Validate()
    {
        if (!(float.IsFinite(Temperature) && Temperature >= 0f))
        {
            throw Bad(nameof(Temperature), "a finite value >= 0", Temperature);
        }

        if (TopK < 0)
        {
            throw Bad(nameof(TopK), ">= 0 (0 = off)", TopK);
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            throw Bad(nameof(TopP), "in (0, 1] (1 = off)", TopP);
        }

        if (!(MinP >= 0f && MinP <= 1f))
        {
            throw Bad(nameof(MinP), "in [0, 1] (0 = off)", MinP);
        }

        if (!(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0f))
        {
            throw Bad(nameof(RepetitionPenalty), "a finite value > 0 (1 = off)", RepetitionPenalty);
        }

        if (!float.IsFinite(FrequencyPenalty))
        {
            throw Bad(nameof(FrequencyPenalty), "a finite value (0 = off)", FrequencyPenalty);
        }

        if (!float.IsFinite(PresencePenalty))
        {
            throw Bad(nameof(PresencePenalty), "a finite value (0 = off)", PresencePenalty);
        }

        if (PenaltyLastN < -1)
        {
            throw Bad(nameof(PenaltyLastN), ">= -1 (0 = off, -1 = whole history)", PenaltyLastN);
        }
    }

    private static ArgumentException Bad(string field, string allowed, object found) =>
        new($"SamplerOptions.{field} must be {allowed}; found {found}.", field);
}
