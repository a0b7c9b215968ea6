// Rotary position embedding (llama adjacent pairs and NeoX halves) with angles computed in double.
namespace Strata.Kernels;

/// <summary>Rotary position embedding.</summary>
public static class Rope
{
    /// <summary>Rotates each of <paramref name="heads"/> heads of x ([heads, headDim]) at <paramref name="position"/>.</summary>
    /// <param name="x">[heads, headDim], rotated in place</param>
    /// <param name="heads">number of heads</param>
    /// <param name="headDim">elements per head</param>
    /// <param name="rotaryDims">leading dims of each head that rotate (≤ headDim, even)</param>
    /// <param name="position">token position</param>
    /// <param name="thetaBase">frequency base (10000 for llama)</param>
    /// <param name="mode">pairing</param>
    /// <remarks>theta_i = position · thetaBase^(−2i/rotaryDims) and its cos/sin in double; the rotation in f32.</remarks>
    /// <exception cref="ArgumentException">Shape arguments are inconsistent.</exception>
    public static void Apply(Span<float> x, int heads, int headDim, int rotaryDims, int position, float thetaBase,
        RopeMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(heads);
        ArgumentOutOfRangeException.ThrowIfNegative(headDim);
        if (rotaryDims < 0 || rotaryDims > headDim || (rotaryDims & 1) != 0)
        {
            throw new ArgumentException($"rotaryDims {rotaryDims} must be even and within [0, {headDim}].",
                nameof(rotaryDims));
        }

        if (x.Length < (long)heads * headDim)
        {
            throw new ArgumentException($"x holds {x.Length} floats; [{heads}, {headDim}] needs more.", nameof(x));
        }

        if (mode is not (RopeMode.Normal or RopeMode.NeoX))
        {
            throw new ArgumentException($"Unknown rope mode {mode}.", nameof(mode));
        }

        int half = rotaryDims / 2;
        if (half == 0 || heads == 0)
        {
            return;
        }

        const int MaxStack = 512;
        Span<float> cos = half <= MaxStack ? stackalloc float[half] : new float[half];
        Span<float> sin = half <= MaxStack ? stackalloc float[half] : new float[half];
        for (int i = 0; i < half; i++)
        {
            double theta = position * Math.Pow(thetaBase, -2.0 * i / rotaryDims);
            (double s, double c) = Math.SinCos(theta);
            cos[i] = (float)c;
            sin[i] = (float)s;
        }

        int stride = mode == RopeMode.Normal ? 1 : half;
        int step = mode == RopeMode.Normal ? 2 : 1;
        for (int h = 0; h < heads; h++)
        {
            Span<float> v = x.Slice(h * headDim, rotaryDims);
            for (int i = 0; i < half; i++)
            {
                int a = i * step;
                int b = a + stride;
                float x0 = v[a];
                float x1 = v[b];
                v[a] = (x0 * cos[i]) - (x1 * sin[i]);
                v[b] = (x0 * sin[i]) + (x1 * cos[i]);
            }
        }
    }
}
