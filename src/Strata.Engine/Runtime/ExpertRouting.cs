// Mixture-of-experts routing: softmax top-k over router logits, grouping (row, slot) pairs by expert, the weighted combine.
namespace Strata.Engine.Runtime;

/// <summary>
/// The routing arithmetic of a mixture-of-experts layer, as llama.cpp's build_moe_ffn does it with softmax gating: probabilities
/// by softmax, the top k by probability, their weights renormalised by their sum (clamped below at 2^−14) where asked, and
/// the experts' outputs added in route order.
/// </summary>
public static class ExpertRouting
{
    /// <summary>
    /// Writes the <paramref name="used"/> experts of largest softmax(<paramref name="logits"/>) into route[0..used) (ids as
    /// floats, best first, ties to the lower id) and their weights into route[used..2·used).
    /// </summary>
    /// <exception cref="ArgumentException">route is not 2·used long, or used exceeds the experts</exception>
    public static void Route(ReadOnlySpan<float> logits, int used, bool normalize, Span<float> route)
    {
        if (used <= 0 || used > logits.Length || route.Length != 2 * used)
        {
            throw new ArgumentException($"{used} of {logits.Length} experts cannot fill a route of {route.Length}", nameof(route));
        }

        float max = float.NegativeInfinity;
        foreach (float l in logits)
        {
            max = MathF.Max(max, l);
        }

        double sum = 0;
        foreach (float l in logits)
        {
            sum += MathF.Exp(l - max);
        }

        float inverse = (float)(1.0 / sum);
        double chosen = 0;
        for (int j = 0; j < used; j++)
        {
            int best = -1;
            for (int e = 0; e < logits.Length; e++)
            {
                if ((best < 0 || logits[e] > logits[best]) && !Taken(route, j, e))
                {
                    best = e;
                }
            }

            route[j] = best;
            route[used + j] = MathF.Exp(logits[best] - max) * inverse;
            chosen += route[used + j];
        }

        if (normalize)
        {
            float divisor = (float)Math.Max(chosen, 6.103515625e-5);
            for (int j = 0; j < used; j++)
            {
                route[used + j] /= divisor;
            }
        }
    }

    /// <summary>
    /// Groups the rows·used (row, slot) pairs of <paramref name="route"/> by expert: order[starts[e] .. starts[e + 1]) holds
    /// row·used + slot of every pair routed to expert e, in row order.
    /// </summary>
    public static void Group(ReadOnlySpan<float> route, int rows, int used, int experts, Span<int> order, Span<int> starts)
    {
        starts[..(experts + 1)].Clear();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < used; j++)
            {
                starts[Expert(route, r, j, used, experts) + 1]++;
            }
        }

        for (int e = 0; e < experts; e++)
        {
            starts[e + 1] += starts[e];
        }

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < used; j++)
            {
                int e = Expert(route, r, j, used, experts);
                order[starts[e]++] = (r * used) + j;
            }
        }

        for (int e = experts; e > 0; e--)
        {
            starts[e] = starts[e - 1];
        }

        starts[0] = 0;
    }

    /// <summary>y = Σ_j route weight j · slots[j] (slots in route order, each y.Length wide).</summary>
    public static void Combine(ReadOnlySpan<float> slots, ReadOnlySpan<float> route, Span<float> y)
    {
        int used = route.Length / 2;
        int width = y.Length;
        var first = slots[..width];
        float w0 = route[used];
        for (int c = 0; c < width; c++)
        {
            y[c] = w0 * first[c];
        }

        for (int j = 1; j < used; j++)
        {
            float w = route[used + j];
            var slot = slots.Slice(j * width, width);
            for (int c = 0; c < width; c++)
            {
                y[c] += w * slot[c];
            }
        }
    }

    private static bool Taken(ReadOnlySpan<float> route, int count, int expert)
    {
        for (int j = 0; j < count; j++)
        {
            if ((int)route[j] == expert)
            {
                return true;
            }
        }

        return false;
    }

    private static int Expert(ReadOnlySpan<float> route, int row, int slot, int used, int experts)
    {
        int e = (int)route[(row * 2 * used) + slot];
        return (uint)e < (uint)experts ? e : throw new InvalidOperationException($"row {row} slot {slot} routes to expert {e} of {experts}");
    }
}
