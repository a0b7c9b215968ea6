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
        Angles(position, thetaBase, rotaryDims, cos, sin);
        Rotate(x, heads, headDim, cos, sin, mode);
    }

    /// <summary>
    /// cos and sin of theta_i = position · thetaBase^(−2i/rotaryDims) for i &lt; rotaryDims / 2, computed in double and
    /// stored as f32: what <see cref="Apply"/> computes for one position, so callers that rotate many heads or layers
    /// at one position compute it once.
    /// </summary>
    /// <exception cref="ArgumentException">rotaryDims is odd or negative, or cos/sin are shorter than rotaryDims / 2.</exception>
    public static void Angles(int position, float thetaBase, int rotaryDims, Span<float> cos, Span<float> sin)
    {
        int half = rotaryDims / 2;
        if (rotaryDims < 0 || (rotaryDims & 1) != 0 || cos.Length < half || sin.Length < half)
        {
            throw new ArgumentException($"rotaryDims {rotaryDims} must be even and nonnegative, with {half} cos and sin slots (got {cos.Length}, {sin.Length}).",
                nameof(rotaryDims));
        }

        for (int i = 0; i < half; i++)
        {
            double theta = position * Math.Pow(thetaBase, -2.0 * i / rotaryDims);
            (double s, double c) = Math.SinCos(theta);
            cos[i] = (float)c;
            sin[i] = (float)s;
        }
    }

    /// <summary>
    /// cos and sin of pair i's angle at <paramref name="position"/> under <paramref name="frequencies"/> (scaling, YaRN,
    /// magnitude) and optional per-pair <paramref name="factors"/> (Llama 3's rope_freqs, Phi-3's long/short factors), in
    /// double, stored as f32. With plain frequencies and no factors it is exactly <see cref="Angles(int, float, int, Span{float}, Span{float})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">the dims are odd or negative, factors or cos/sin are shorter than Dims / 2</exception>
    public static void Angles(int position, in RopeFrequencies frequencies, ReadOnlySpan<float> factors, Span<float> cos, Span<float> sin)
    {
        int half = frequencies.Dims / 2;
        if (frequencies.IsPlain && factors.IsEmpty)
        {
            Angles(position, frequencies.Base, frequencies.Dims, cos, sin);
            return;
        }

        if (frequencies.Dims < 0 || (frequencies.Dims & 1) != 0 || cos.Length < half || sin.Length < half || (!factors.IsEmpty && factors.Length < half))
        {
            throw new ArgumentException(
                $"rotary dims {frequencies.Dims} must be even and nonnegative, with {half} cos, sin and factor slots (got {cos.Length}, {sin.Length}, {factors.Length}).",
                nameof(frequencies));
        }

        double magnitude = frequencies.Magnitude;
        if (frequencies.ExtFactor != 0)
        {
            magnitude *= 1.0 + (0.1 * Math.Log(1.0 / frequencies.Scale));
        }

        for (int i = 0; i < half; i++)
        {
            double extrapolated = position * Math.Pow(frequencies.Base, -2.0 * i / frequencies.Dims) / (factors.IsEmpty ? 1.0 : factors[i]);
            double theta = frequencies.Scale * extrapolated;
            if (frequencies.ExtFactor != 0)
            {
                double y = (i - frequencies.CorrectionLow) / Math.Max(0.001, frequencies.CorrectionHigh - frequencies.CorrectionLow);
                double mix = (1 - Math.Min(1, Math.Max(0, y))) * frequencies.ExtFactor;
                theta = (theta * (1 - mix)) + (extrapolated * mix);
            }

            (double s, double c) = Math.SinCos(theta);
            cos[i] = (float)(c * magnitude);
            sin[i] = (float)(s * magnitude);
        }
    }

    /// <summary>
    /// Rotates the first 2·cos.Length dims of each of <paramref name="heads"/> heads of x by the angles from
    /// <see cref="Angles(int, float, int, Span{float}, Span{float})"/>; bit-identical to <see cref="Apply"/> at the angles' position.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is inconsistent.</exception>
    public static void Rotate(Span<float> x, int heads, int headDim, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, RopeMode mode)
    {
        int half = cos.Length;
        if (sin.Length != half || 2 * half > headDim || x.Length < (long)heads * headDim || mode is not (RopeMode.Normal or RopeMode.NeoX))
        {
            throw new ArgumentException($"cannot rotate [{heads}, {headDim}] in {x.Length} floats by {half} angles ({sin.Length} sines) in mode {mode}.",
                nameof(x));
        }

        int rotaryDims = 2 * half;
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
