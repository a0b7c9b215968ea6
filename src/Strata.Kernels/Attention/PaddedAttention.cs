// Bidirectional attention over a padded batch (encoders): every token of a sequence attends to every key of the same
// sequence, with an additive bias per key (0 for a real token, a large negative number for padding), as ONNX exports of
// BERT-family models compute it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// softmax(q·kᵀ · scale + bias[key]) · v per sequence and head, over rows of [sequences · length, heads · headDim]. Scores
/// are f32 dot products (16 lanes with AVX-512, else 8, then a lane sum), the softmax subtracts the row maximum and sums in f32, the weighted sum of
/// values runs in f32. Pairs (sequence, head) are independent, so callers split the work by <c>firstPair</c>/<c>pairCount</c>.
/// </summary>
public static unsafe class PaddedAttention
{
    /// <summary>Computes the output rows of pairs [<paramref name="firstPair"/>, +<paramref name="pairCount"/>) (pair p is sequence p / heads, head p % heads).</summary>
    /// <param name="q">queries [sequences · length, heads · headDim]</param>
    /// <param name="k">keys, same layout</param>
    /// <param name="v">values, same layout</param>
    /// <param name="keyBias">[sequences · length] added to every score of that key; empty for none</param>
    /// <param name="sequences">sequences in the batch</param>
    /// <param name="length">tokens per sequence (padding included)</param>
    /// <param name="heads">heads</param>
    /// <param name="headDim">width of a head</param>
    /// <param name="scale">score scale, usually 1/√headDim</param>
    /// <param name="output">[sequences · length, heads · headDim]; only the pairs' columns are written</param>
    /// <param name="scores">scratch of at least <paramref name="length"/> floats</param>
    /// <param name="firstPair">first pair</param>
    /// <param name="pairCount">pairs</param>
    /// <exception cref="ArgumentException">a length or range does not fit</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keyBias, int sequences, int length,
        int heads, int headDim, float scale, Span<float> output, Span<float> scores, int firstPair, int pairCount)
    {
        int width = heads * headDim;
        long elements = (long)sequences * length * width;
        if (sequences < 0 || length < 0 || heads < 1 || headDim < 1 || q.Length < elements || k.Length < elements || v.Length < elements
            || output.Length < elements || scores.Length < length || (keyBias.Length != 0 && keyBias.Length < sequences * length))
        {
            throw new ArgumentException($"PaddedAttention: buffers do not hold {sequences} × {length} rows of {heads} × {headDim}.", nameof(q));
        }

        if (firstPair < 0 || pairCount < 0 || firstPair + pairCount > sequences * heads)
        {
            throw new ArgumentException($"PaddedAttention: pairs [{firstPair}, +{pairCount}) outside the {sequences * heads} of the batch.", nameof(firstPair));
        }

        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* pb = keyBias)
        fixed (float* po = output)
        fixed (float* ps = scores)
        {
            for (int pair = firstPair; pair < firstPair + pairCount; pair++)
            {
                int s = pair / heads, h = pair % heads;
                long first = (long)s * length;
                int column = h * headDim;
                float* bias = keyBias.Length == 0 ? null : pb + first;
                for (int i = 0; i < length; i++)
                {
                    float* qi = pq + ((first + i) * width) + column;
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < length; j++)
                    {
                        float score = Dot(qi, pk + ((first + j) * width) + column, headDim) * scale;
                        if (bias is not null)
                        {
                            score += bias[j];
                        }

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
                    float* oi = po + ((first + i) * width) + column;
                    new Span<float>(oi, headDim).Clear();
                    for (int j = 0; j < length; j++)
                    {
                        float weight = ps[j] * inverse;
                        if (weight != 0)
                        {
                            Axpy(weight, pv + ((first + j) * width) + column, oi, headDim);
                        }
                    }
                }
            }
        }
    }

    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc);
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
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i + 16 <= n; i += 16)
            {
                Vector512.FusedMultiplyAdd(a, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= n; i += 8)
            {
                Vector256.FusedMultiplyAdd(a, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
