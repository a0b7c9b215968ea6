// The sampler chain: stages applied in order to one logits row, ending in greedy or seeded selection.
namespace Strata.Engine.Sampling;

/// <summary>
/// An ordered list of <see cref="ISampler"/> stages over one preallocated <see cref="TokenCandidates"/>.
/// <see cref="FromOptions"/> builds llama.cpp's default order: penalties → top-k → top-p → min-p →
/// temperature → dist, or penalties → greedy when the temperature is 0; stages that would be no-ops are
/// left out, so <see cref="Describe"/> lists exactly what runs. After warm-up <see cref="Sample(ReadOnlySpan{float}, ReadOnlySpan{int})"/>
/// allocates nothing. Not thread-safe: one chain per sequence.
/// </summary>
public sealed class SamplerChain
{
    private readonly ISampler[] _stages;
    private readonly string[] _stageNames;
    private readonly IReadOnlyList<string> _description;
    private readonly TokenCandidates _candidates;

    /// <summary>Creates a chain of <paramref name="stages"/> for a vocabulary of <paramref name="vocabSize"/> tokens.</summary>
    /// <param name="vocabSize">vocabulary size; every logits row must have this length</param>
    /// <param name="stages">stages in order; the last must select a token (greedy or dist)</param>
    /// <param name="seed">seed of the chain's PRNG, if it has one (reported as evidence)</param>
    /// <exception cref="ArgumentException"><paramref name="stages"/> is empty</exception>
    public SamplerChain(int vocabSize, IReadOnlyList<ISampler> stages, ulong? seed = null)
    {
        if (stages.Count == 0)
        {
            throw new ArgumentException("Expected at least one stage ending in greedy or dist; found none.", nameof(stages));
        }

        _candidates = new TokenCandidates(vocabSize);
        _stages = new ISampler[stages.Count];
        _stageNames = new string[stages.Count];
        for (int i = 0; i < stages.Count; i++)
        {
            _stages[i] = stages[i];
            _stageNames[i] = stages[i].Name;
        }

        _description = Array.AsReadOnly(_stageNames);
        Seed = seed;
    }

    /// <summary>Vocabulary size: the required length of every logits row.</summary>
    public int VocabSize => _candidates.VocabSize;

    /// <summary>Seed of the distribution stage's PRNG (the OS-drawn one if none was given); null when greedy.</summary>
    public ulong? Seed { get; }

    /// <summary>Builds the default llama.cpp-ordered chain from validated <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">an option is out of range (see <see cref="SamplerOptions.Validate"/>)</exception>
    public static SamplerChain FromOptions(SamplerOptions options, int vocabSize)
    {
        options.Validate();
        var stages = new List<ISampler>(6);
        if (options.HasPenalties)
        {
            stages.Add(new PenaltySampler(
                vocabSize, options.PenaltyLastN, options.RepetitionPenalty, options.FrequencyPenalty, options.PresencePenalty));
        }

        if (options.IsGreedy)
        {
            stages.Add(new GreedySampler());
            return new SamplerChain(vocabSize, stages);
        }

        if (options.TopK > 0)
        {
            stages.Add(new TopKSampler(options.TopK));
        }

        if (options.TopP < 1f)
        {
            stages.Add(new TopPSampler(options.TopP));
        }

        if (options.MinP > 0f)
        {
            stages.Add(new MinPSampler(options.MinP));
        }

        if (options.Temperature != 1f)
        {
            stages.Add(new TemperatureSampler(options.Temperature));
        }

        ulong seed = options.Seed ?? Xoshiro256Random.SeedFromOperatingSystem();
        stages.Add(new DistributionSampler(new Xoshiro256Random(seed)));
        return new SamplerChain(vocabSize, stages, seed);
    }

    /// <summary>Picks the next token id from one row of logits.</summary>
    /// <param name="logits">one logit per vocabulary token</param>
    /// <param name="history">token ids so far in this sequence, oldest first (read by the penalties)</param>
    /// <exception cref="ArgumentException">the row length is not the vocabulary size, or a logit is NaN or +infinity</exception>
    /// <exception cref="InvalidOperationException">no stage selected a token</exception>
    public int Sample(ReadOnlySpan<float> logits, ReadOnlySpan<int> history) => Sample(logits, history, default);

    /// <summary>
    /// Picks the next token among those set in <paramref name="allowed"/> (a grammar's mask; empty = all), as if the
    /// others' logits were -infinity.
    /// </summary>
    /// <exception cref="ArgumentException">the row length is not the vocabulary size, or a logit is NaN or +infinity</exception>
    /// <exception cref="InvalidOperationException">no token is allowed, or no stage selected a token</exception>
    public int Sample(ReadOnlySpan<float> logits, ReadOnlySpan<int> history, ReadOnlySpan<ulong> allowed)
    {
        var candidates = _candidates;
        if (allowed.IsEmpty)
        {
            candidates.Reset(logits);
        }
        else
        {
            candidates.ResetAllowed(logits, allowed);
        }

        var stages = _stages;
        for (int i = 0; i < stages.Length; i++)
        {
            stages[i].Apply(candidates, history);
        }

        int selected = candidates.SelectedIndex;
        if (selected < 0)
        {
            throw new InvalidOperationException(
                $"Expected the last stage to select a token; found none selected after '{_stageNames[^1]}'.");
        }

        return candidates.Ids[selected];
    }

    /// <summary>The stages in order with their parameters, e.g. "penalties(last_n=64, repeat=1.1, ...)", "top_k(40)".</summary>
    public IReadOnlyList<string> Describe() => _description;
}
