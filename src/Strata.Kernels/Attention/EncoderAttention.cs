// Bidirectional attention over whole sequences (encoders: BERT, MiniLM): every token of a sequence attends to every token
// of the same sequence, with no cache and no causal mask.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// softmax(q·kᵀ · scale) · v per sequence and head, over rows of [tokens, heads·headDim] where the batch's sequences lie
/// one after another (ragged: no padding, so no mask is needed; a padded batch passes each sequence's real length).
/// Scores are f32 dot products, the softmax subtracts the row maximum and sums in f32 (as ONNX Runtime's attention), and
/// the weighted sum of values runs in f32; one (sequence, head) pair is independent of the others, so callers may split
/// the work by <see cref="Apply"/>'s <c>firstPair</c>/<c>pairCount</c>.
/// </summary>
public static unsafe class EncoderAttention
{
    /// <summary>The (sequence, head) pairs of a batch: sequences × heads.</summary>
    public static int Pairs(int sequences, int heads) => checked(sequences * heads);

    /// <summary>
    /// Computes the output rows of pairs [<paramref name="firstPair"/>, +<paramref name="pairCount"/>) (pair p is sequence
    /// p / heads, head p % heads).
    /// </summary>
    /// <param name="q">queries, [tokens, heads·headDim]</param>
    /// <param name="k">keys, same layout</param>
    /// <param name="v">values, same layout</param>
    /// <param name="starts">each sequence's first row, then the total row count (sequences + 1 entries, ascending)</param>
    /// <param name="heads">attention heads</param>
    /// <param name="headDim">width of a head</param>
    /// <param name="scale">score scale, usually 1/√headDim</param>
    /// <param name="output">[tokens, heads·headDim]; only the pairs' columns of their rows are written</param>
    /// <param name="scores">scratch of at least the longest sequence's length</param>
    /// <param name="firstPair">first pair to compute</param>
    /// <param name="pairCount">pairs to compute</param>
    /// <exception cref="ArgumentException">a length or range does not fit</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<int> starts, int heads, int headDim,
        float scale, Span<float> output, Span<float> scores, int firstPair, int pairCount)
    {
        int width = heads * headDim;
        int sequences = starts.Length - 1;
        if (sequences < 1 || heads < 1 || headDim < 1 || starts[0] != 0)
        {
            throw new ArgumentException("EncoderAttention: starts must begin at 0 and hold at least one sequence; heads and headDim positive.", nameof(starts));
        }

        int tokens = starts[sequences];
        if (q.Length < tokens * width || k.Length < tokens * width || v.Length < tokens * width || output.Length < tokens * width)
        {
            throw new ArgumentException($"EncoderAttention: q, k, v and output need {tokens} rows of {width}.", nameof(q));
        }

        if (firstPair < 0 || pairCount < 0 || firstPair + pairCount > sequences * heads)
        {
            throw new ArgumentException($"EncoderAttention: pairs [{firstPair}, +{pairCount}) outside the {sequences * heads} of the batch.", nameof(firstPair));
        }

        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* po = output)
        fixed (float* ps = scores)
        {
            for (int pair = firstPair; pair < firstPair + pairCount; pair++)
            {
                int s = pair / heads, h = pair % heads;
                int first = starts[s], length = starts[s + 1] - first;
                if (length < 0 || starts[s + 1] > tokens)
                {
                    throw new ArgumentException("EncoderAttention: starts must ascend.", nameof(starts));
                }

                if (scores.Length < length)
                {
                    throw new ArgumentException($"EncoderAttention: scores scratch holds {scores.Length}, a sequence has {length} tokens.", nameof(scores));
                }

                int column = h * headDim;
                for (int i = 0; i < length; i++)
                {
                    float* qi = pq + ((long)(first + i) * width) + column;
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < length; j++)
                    {
                        float score = Dot(qi, pk + ((long)(first + j) * width) + column, headDim) * scale;
                        ps[j] = score;
                        max = MathF.Max(max, score);
                    }

                    float sum = 0;
                    for (int j = 0; j < length; j++)
                    {
                        float e = MathF.Exp(ps[j] - max);
                        ps[j] = e;
                        sum += e;
                    }

                    float inverse = 1f / sum;
                    float* oi = po + ((long)(first + i) * width) + column;
                    new Span<float>(oi, headDim).Clear();
                    for (int j = 0; j < length; j++)
                    {
                        Axpy(ps[j] * inverse, pv + ((long)(first + j) * width) + column, oi, headDim);
                    }
                }
            }
        }
    }

    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Axpy(float alpha, float* x, float* y, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= n; i += 8)
            {
                (Vector256.Load(y + i) + (a * Vector256.Load(x + i))).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
