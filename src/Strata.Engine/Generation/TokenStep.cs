// The token step: sample from a sequence's logits and apply every stop rule, once for every front door.
using Strata.Engine.Sampling;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Generation;

/// <summary>What one token step did.</summary>
/// <param name="Token">the sampled id; for <see cref="StopReason.Error"/>, the id whose logit was not finite</param>
/// <param name="Stop">why the sequence ends now; null when it goes on (the token is its next input)</param>
public readonly record struct TokenStepResult(int Token, StopReason? Stop);

/// <summary>
/// Samples one token and decides whether the sequence ends, in this order: non-finite logits (corrupt weights: error),
/// an end-of-generation token (not appended), a stop string in the text, the token limit, a full context. Every
/// generation path (the CLI's session, the server's batches, the in-process client) goes through here, so a rule
/// added here holds everywhere. Allocates nothing.
/// </summary>
public static class TokenStep
{
    /// <summary>Samples from <paramref name="logits"/> and appends the token to <paramref name="state"/> unless it ends generation.</summary>
    /// <param name="state">the sequence</param>
    /// <param name="logits">the logits after its last computed position</param>
    /// <param name="kvLength">positions its KV cache holds now</param>
    /// <param name="tokenizer">the model's tokenizer (end-of-generation ids, token bytes)</param>
    public static TokenStepResult Next(GenerationState state, ReadOnlySpan<float> logits, int kvLength, ITokenizer tokenizer)
    {
        int bad = LogitCheck.FirstNonFinite(logits);
        if (bad >= 0)
        {
            return new TokenStepResult(bad, StopReason.Error);
        }

        int token = state.Sampler.Sample(logits, state.History);
        if (tokenizer.IsEndOfGeneration(token))
        {
            return new TokenStepResult(token, StopReason.EndOfSequence);
        }

        state.Append(token);
        if (state.Text.Append(tokenizer.TokenBytes(token)))
        {
            return new TokenStepResult(token, StopReason.StopString);
        }

        if (state.Generated >= state.MaxTokens)
        {
            return new TokenStepResult(token, StopReason.MaxTokens);
        }

        return kvLength + 1 > state.ContextTokens
            ? new TokenStepResult(token, StopReason.ContextFull)
            : new TokenStepResult(token, null);
    }
}
