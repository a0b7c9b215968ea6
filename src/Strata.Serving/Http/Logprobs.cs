// Log-probabilities of a sampled token and its top alternatives under the model's raw (untempered) distribution.
using Strata.Engine.Tokenizers;

namespace Strata.Serving;

/// <summary>log softmax over the logits, as the OpenAI API reports it.</summary>
internal static class Logprobs
{
    public static TokenLogprob For(ReadOnlySpan<float> logits, int token, int top, ITokenizer tokenizer)
    {
        float max = float.NegativeInfinity;
        foreach (float x in logits)
        {
            max = Math.Max(max, x);
        }

        double sum = 0;
        foreach (float x in logits)
        {
            sum += Math.Exp(x - max);
        }

        float logZ = max + (float)Math.Log(sum);
        List<TokenLogprob>? alternatives = null;
        if (top > 0)
        {
            // Partial selection: keep the best `top` ids in a small sorted array.
            var ids = new int[top];
            int count = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                if (count == top && logits[i] <= logits[ids[count - 1]])
                {
                    continue;
                }

                int at = count < top ? count++ : top - 1;
                while (at > 0 && logits[ids[at - 1]] < logits[i])
                {
                    ids[at] = ids[at - 1];
                    at--;
                }

                ids[at] = i;
            }

            alternatives = new List<TokenLogprob>(count);
            for (int k = 0; k < count; k++)
            {
                alternatives.Add(Entry(ids[k], logits[ids[k]] - logZ, tokenizer, null));
            }
        }

        return Entry(token, logits[token] - logZ, tokenizer, alternatives);
    }

    private static TokenLogprob Entry(int id, float logprob, ITokenizer tokenizer, IReadOnlyList<TokenLogprob>? top)
    {
        var bytes = tokenizer.TokenBytes(id).ToArray();
        return new TokenLogprob(System.Text.Encoding.UTF8.GetString(bytes), logprob, bytes, top);
    }
}
