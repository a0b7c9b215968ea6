// Rounding and scale-search primitives shared by the quantizers, reproducing ggml-quants.c's float arithmetic step by step.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>ggml's nearest_int and the K-quant scale searches (make_qkx2_quants, make_qx_quants), in the same operation order.</summary>
internal static class QuantizeMath
{
    /// <summary>Below this a group is all zero (ggml GROUP_MAX_EPS).</summary>
    public const float GroupMaxEpsilon = 1e-15f;

    /// <summary>Round to nearest, ties to even, via the 1.5·2²³ trick (valid for |x| ≤ 4194303).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NearestInt(float value)
    {
        float shifted = value + 12582912f;
        return (BitConverter.SingleToInt32Bits(shifted) & 0x007FFFFF) - 0x00400000;
    }

    /// <summary>f32 → f16 bits, round to nearest even (GGML_FP32_TO_FP16 with F16C).</summary>
    public static ushort ToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>f16 bits → f32.</summary>
    public static float FromHalf(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>
    /// Asymmetric quantization of n values to [0, nmax] with a weighted least-squares search over nstep scales
    /// (ggml make_qkx2_quants). Returns the scale; <paramref name="theMin"/> receives −min.
    /// </summary>
    public static float SearchScaleWithMin(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, int nmax, Span<byte> levels,
        out float theMin, Span<byte> scratch, float rmin, float rdelta, int nstep)
    {
        int n = x.Length;
        float min = x[0];
        float max = x[0];
        float sumW = weights[0];
        float sumX = sumW * x[0];
        for (int i = 1; i < n; ++i)
        {
            if (x[i] < min)
            {
                min = x[i];
            }

            if (x[i] > max)
            {
                max = x[i];
            }

            float w = weights[i];
            sumW += w;
            sumX += w * x[i];
        }

        if (min > 0)
        {
            min = 0;
        }

        if (max == min)
        {
            levels[..n].Clear();
            theMin = -min;
            return 0f;
        }

        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i)
        {
            int l = NearestInt(iscale * (x[i] - min));
            levels[i] = (byte)Math.Max(0, Math.Min(nmax, l));
            float diff = (scale * levels[i]) + min - x[i];
            bestError += weights[i] * (diff * diff);
        }

        for (int step = 0; step <= nstep; ++step)
        {
            iscale = (rmin + (rdelta * step) + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; ++i)
            {
                int l = NearestInt(iscale * (x[i] - min));
                l = Math.Max(0, Math.Min(nmax, l));
                scratch[i] = (byte)l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[i];
            }

            float det = (sumW * sumL2) - (sumL * sumL);
            if (det > 0)
            {
                float thisScale = ((sumW * sumXL) - (sumX * sumL)) / det;
                float thisMin = ((sumL2 * sumX) - (sumL * sumXL)) / det;
                if (thisMin > 0)
                {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }

                float error = 0;
                for (int i = 0; i < n; ++i)
                {
                    float diff = (thisScale * scratch[i]) + thisMin - x[i];
                    error += weights[i] * (diff * diff);
                }

                if (error < bestError)
                {
                    scratch[..n].CopyTo(levels);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }

        theMin = -min;
        return scale;
    }

    /// <summary>
    /// Symmetric quantization of n values to [−nmax, nmax−1] (stored +nmax) with an x²-weighted search over 18 extra
    /// scales (ggml make_qx_quants, rmse_type 1, no importance weights). Returns the scale.
    /// </summary>
    public static float SearchScaleSymmetric(ReadOnlySpan<float> x, int nmax, Span<sbyte> levels)
    {
        int n = x.Length;
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i)
        {
            float ax = MathF.Abs(x[i]);
            if (ax > amax)
            {
                amax = ax;
                max = x[i];
            }
        }

        if (amax < GroupMaxEpsilon)
        {
            levels[..n].Clear();
            return 0f;
        }

        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; ++i)
        {
            int l = NearestInt(iscale * x[i]);
            l = Math.Max(-nmax, Math.Min(nmax - 1, l));
            levels[i] = (sbyte)(l + nmax);
            float w = x[i] * x[i];
            sumLX += w * x[i] * l;
            sumL2 += w * l * l;
        }

        float scale = sumL2 != 0 ? sumLX / sumL2 : 0.0f;
        float best = scale * sumLX;
        for (int step = -9; step <= 9; ++step)
        {
            if (step == 0)
            {
                continue;
            }

            iscale = -(nmax + (0.1f * step)) / max;
            sumLX = sumL2 = 0;
            for (int i = 0; i < n; ++i)
            {
                int l = NearestInt(iscale * x[i]);
                l = Math.Max(-nmax, Math.Min(nmax - 1, l));
                float w = x[i] * x[i];
                sumLX += w * x[i] * l;
                sumL2 += w * l * l;
            }

            if (sumL2 > 0 && sumLX * sumLX > best * sumL2)
            {
                for (int i = 0; i < n; ++i)
                {
                    int l = NearestInt(iscale * x[i]);
                    levels[i] = (sbyte)(nmax + Math.Max(-nmax, Math.Min(nmax - 1, l)));
                }

                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }

        return scale;
    }
}
