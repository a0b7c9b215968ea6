// One stage of the sampler chain: filters or reshapes the candidates, or selects the token.
namespace Strata.Engine.Sampling;

/// <summary>
/// A sampler stage, as in llama.cpp's llama_sampler: it edits <see cref="TokenCandidates"/> in place
/// (drops candidates, changes logits) or, for a final stage, selects one. Apply must not allocate.
/// </summary>
public interface ISampler
{
    /// <summary>Stage name with its parameters, for evidence, e.g. "top_k(40)".</summary>
    string Name { get; }

    /// <summary>Applies the stage to <paramref name="candidates"/>.</summary>
    /// <param name="candidates">the candidates of this step, edited in place</param>
    /// <param name="history">token ids seen so far in this sequence (prompt and generated), oldest first</param>
    void Apply(TokenCandidates candidates, ReadOnlySpan<int> history);
}
