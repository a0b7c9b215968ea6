// The token step: sample from a sequence's logits under its grammar and apply every stop rule, once for every front door.
using Strata.Engine.Sampling;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Generation;

/// <summary>What one token step did.</summary>
/// <param name="Token">
/// the sampled id; for <see cref="StopReason.Error"/>, the id whose logit was not finite, or -1 when no token of the
/// vocabulary could continue the sequence's grammar
/// </param>
/// <param name="Stop">why the sequence ends now; null when it goes on (the token is its next input)</param>
public readonly record struct TokenStepResult(int Token, StopReason? Stop);

/// <summary>
/// Samples one token and decides whether the sequence ends, in this order: non-finite logits (corrupt weights: error),
/// the grammar (a token it refuses is replaced by one sampled under its mask), an end-of-generation token (not appended),
/// a stop string in the text, a complete grammar that allows nothing more, the token limit, a full context. Every
/// generation path (the CLI's session, the server's batches, the in-process client) goes through here, so a rule
/// added here holds everywhere, and each sequence of a batch keeps its own grammar state. Allocates nothing.
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
        var grammar = state.Grammar;
        if (grammar is not null && !grammar.TryAccept(token))
        {
            // llama.cpp's order: sample freely, and only when the grammar refuses the token, compute its mask and sample
            // again from the same logits with the refused tokens at -infinity. The mask (a trie walk, cached per grammar
            // state) is then paid only on refusals. Greedy gives exactly the masked argmax: an accepted argmax is the
            // argmax among allowed tokens. With temperature alone it gives exactly the masked distribution: a token t
            // comes out with p(t) on the first draw plus (1 - A) p(t) / A on the second (A = allowed mass), i.e.
            // p(t) / A. With top-k / top-p / min-p, the first draw's truncation is taken over all tokens and the second's
            // over the allowed ones, so the result mixes the two truncated distributions, as llama.cpp's does.
            var allowed = grammar.ComputeMask(out int count);
            if (count == 0)
            {
                return new TokenStepResult(-1, StopReason.Error);
            }

            token = state.Sampler.Sample(logits, state.History, allowed);
            if (!grammar.TryAccept(token))
            {
                throw new InvalidOperationException($"token {token} was sampled under the grammar's mask but the grammar refuses it");
            }
        }

        if (tokenizer.IsEndOfGeneration(token))
        {
            return new TokenStepResult(token, StopReason.EndOfSequence);
        }

        state.Append(token);
        if (state.Text.Append(tokenizer.TokenBytes(token)))
        {
            return new TokenStepResult(token, StopReason.StopString);
        }

        if (grammar is not null && !grammar.CanContinue)
        {
            return new TokenStepResult(token, StopReason.GrammarComplete);
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
