// One sequence's generation state that every front door shares: its token ids, sampler, grammar, text and limits.
using Strata.Engine.Grammar;
using Strata.Engine.Sampling;

namespace Strata.Engine.Generation;

/// <summary>
/// Prompt then generated ids, the sampler chain and the decoded text of one sequence. <see cref="TokenStep"/> advances
/// it by one sampled token; the CLI's session and the server's scheduler hold one each.
/// </summary>
public sealed class GenerationState
{
    /// <summary>Sized for <paramref name="contextTokens"/> positions (plus the token sampled when the context is full).</summary>
    /// <param name="prompt">the prompt's ids</param>
    /// <param name="maxTokens">most tokens to generate</param>
    /// <param name="contextTokens">positions the sequence may hold</param>
    /// <param name="sampler">its sampler chain</param>
    /// <param name="stopStrings">generation ends before the first of these</param>
    /// <param name="grammar">the grammar its text must follow (its own matcher), or null</param>
    /// <exception cref="ArgumentException">a stop string is empty</exception>
    public GenerationState(ReadOnlySpan<int> prompt, int maxTokens, int contextTokens, SamplerChain sampler, IReadOnlyList<string>? stopStrings,
        GrammarMatcher? grammar = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prompt.Length, contextTokens);
        Tokens = new int[contextTokens + 1];
        prompt.CopyTo(Tokens);
        PromptLength = prompt.Length;
        Count = prompt.Length;
        MaxTokens = maxTokens;
        ContextTokens = contextTokens;
        Sampler = sampler;
        Grammar = grammar;
        Text = new GeneratedText(stopStrings, Math.Min(maxTokens, contextTokens));
    }

    /// <summary>(context + 1) ids: the prompt, then generated ids.</summary>
    public int[] Tokens { get; }

    /// <summary>Ids held in <see cref="Tokens"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Prompt ids at the start of <see cref="Tokens"/>.</summary>
    public int PromptLength { get; }

    /// <summary>Generated ids (end-of-generation tokens are not counted).</summary>
    public int Generated => Count - PromptLength;

    /// <summary>Most tokens to generate.</summary>
    public int MaxTokens { get; }

    /// <summary>Positions the sequence may hold.</summary>
    public int ContextTokens { get; }

    /// <summary>The sampler chain.</summary>
    public SamplerChain Sampler { get; }

    /// <summary>The grammar the generated text must follow (this sequence's matcher), or null when unconstrained.</summary>
    public GrammarMatcher? Grammar { get; }

    /// <summary>The decoded text, with stop strings found and a safe prefix to stream.</summary>
    public GeneratedText Text { get; }

    /// <summary>The ids so far.</summary>
    public ReadOnlySpan<int> History => Tokens.AsSpan(0, Count);

    /// <summary>The generated ids so far.</summary>
    public ReadOnlySpan<int> GeneratedTokens => Tokens.AsSpan(PromptLength, Generated);

    /// <summary>Appends a sampled id (only <see cref="TokenStep"/> calls this).</summary>
    internal void Append(int token) => Tokens[Count++] = token;

    /// <summary>The text not yet streamed, once the sequence has ended for <paramref name="reason"/>.</summary>
    public ReadOnlySpan<char> FinishText(StopReason reason) => Text.Finish(reason == StopReason.StopString);
}
