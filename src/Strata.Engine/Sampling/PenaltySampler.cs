// Repetition, frequency and presence penalties over the last N history tokens (llama.cpp semantics).
namespace Strata.Engine.Sampling;

/// <summary>
/// Penalises tokens seen in the last N history tokens, as llama.cpp's penalties sampler does: the
/// repetition penalty divides a positive logit (multiplies a non-positive one), then
/// count·frequency + (count &gt; 0)·presence is subtracted.
/// </summary>
public sealed class PenaltySampler : ISampler
{
    private readonly int[] _countsByToken;
    private readonly int _lastN;
    private readonly float _repeat;
    private readonly float _frequency;
    private readonly float _presence;

    /// <summary>Creates the stage for a vocabulary of <paramref name="vocabSize"/> tokens.</summary>
    /// <param name="vocabSize">vocabulary size (history ids must be below it)</param>
    /// <param name="lastN">how many recent history tokens count; 0 = none, -1 = all</param>
    /// <param name="repeat">repetition penalty, &gt; 0 (1 = off)</param>
    /// <param name="frequency">per-occurrence penalty (0 = off)</param>
    /// <param name="presence">once-per-token penalty (0 = off)</param>
    public PenaltySampler(int vocabSize, int lastN, float repeat, float frequency, float presence)
    {
        new SamplerOptions
        {
            PenaltyLastN = lastN,
            RepetitionPenalty = repeat,
            FrequencyPenalty = frequency,
            PresencePenalty = presence,
        }.Validate();
        _countsByToken = new int[vocabSize];
        _lastN = lastN;
        _repeat = repeat;
        _frequency = frequency;
        _presence = presence;
        Name = $"penalties(last_n={lastN}, repeat={repeat}, frequency={frequency}, presence={presence})";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">a history token id is outside the vocabulary</exception>
    public void Apply(TokenCandidates candidates, ReadOnlySpan<int> history)
    {
        if (_lastN == 0 || (_repeat == 1f && _frequency == 0f && _presence == 0f))
        {
            return;
        }

        var window = _lastN < 0 || history.Length <= _lastN ? history : history[^_lastN..];
        if (window.IsEmpty)
        {
            return;
        }

        var counts = _countsByToken;
        for (int i = 0; i < window.Length; i++)
        {
            int token = window[i];
            if ((uint)token >= (uint)counts.Length)
            {
                ClearCounts(window[..i]);
                throw new ArgumentOutOfRangeException(
                    nameof(history), token, $"Expected history token ids in [0, {counts.Length}); found {token} at window position {i}.");
            }

            counts[token]++;
        }

        var logits = candidates.Logits;
        if (candidates.IsVocabularyOrder)
        {
            // Candidate i is token i: visit each distinct window token once, clearing its count as we go.
            for (int i = 0; i < window.Length; i++)
            {
                int token = window[i];
                int count = counts[token];
                if (count != 0)
                {
                    logits[token] = Penalise(logits[token], count);
                    counts[token] = 0;
                }
            }
        }
        else
        {
            var ids = candidates.Ids;
            for (int i = 0; i < ids.Length; i++)
            {
                int count = counts[ids[i]];
                if (count != 0)
                {
                    logits[i] = Penalise(logits[i], count);
                }
            }

            ClearCounts(window);
        }

        candidates.MarkUnsorted();
    }

    private float Penalise(float logit, int count)
    {
        logit = logit <= 0f ? logit * _repeat : logit / _repeat;
        return logit - (count * _frequency) - _presence;
    }

    private void ClearCounts(ReadOnlySpan<int> tokens)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            _countsByToken[tokens[i]] = 0;
        }
    }
}
