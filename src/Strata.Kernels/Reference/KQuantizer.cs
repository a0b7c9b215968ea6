// K-quant block quantizers (Q4_K, Q6_K): ggml-quants.c quantize_row_q4_K_ref / quantize_row_q6_K_ref, step for step.
using System.Buffers.Binary;

namespace Strata.Kernels;

/// <summary>256-element super-block quantizers with 6/8-bit sub-block scales.</summary>
internal static class KQuantizer
{
    // Q4_K block: d (f16), dmin (f16), scales[12] (6-bit scale and min per 32-element sub-block), qs[128] nibbles.
    public static void Q4_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<byte> levels = stackalloc byte[256];
        Span<byte> scratch = stackalloc byte[32];
        Span<float> weights = stackalloc float[32];
        Span<float> mins = stackalloc float[8];
        Span<float> scales = stackalloc float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; ++j)
        {
            var sub = x.Slice(32 * j, 32);
            float sumX2 = 0;
            for (int l = 0; l < 32; ++l)
            {
                sumX2 += sub[l] * sub[l];
            }

            float averageX = MathF.Sqrt(sumX2 / 32);
            for (int l = 0; l < 32; ++l)
            {
                weights[l] = averageX + MathF.Abs(sub[l]);
            }

            scales[j] = QuantizeMath.SearchScaleWithMin(sub, weights, 15, levels.Slice(32 * j, 32), out mins[j], scratch, -1f, 0.1f, 20);
            if (scales[j] > maxScale)
            {
                maxScale = scales[j];
            }

            if (mins[j] > maxMin)
            {
                maxMin = mins[j];
            }
        }

        float inverseScale = maxScale > 0 ? 63f / maxScale : 0f;
        float inverseMin = maxMin > 0 ? 63f / maxMin : 0f;
        var packed = y.Slice(4, 12);
        packed.Clear();
        for (int j = 0; j < 8; ++j)
        {
            byte ls = (byte)QuantizeMath.NearestInt(inverseScale * scales[j]);
            byte lm = (byte)QuantizeMath.NearestInt(inverseMin * mins[j]);
            ls = Math.Min((byte)63, ls);
            lm = Math.Min((byte)63, lm);
            if (j < 4)
            {
                packed[j] = ls;
                packed[j + 4] = lm;
            }
            else
            {
                packed[j + 4] = (byte)((ls & 0xF) | ((lm & 0xF) << 4));
                packed[j - 4] |= (byte)((ls >> 4) << 6);
                packed[j] |= (byte)((lm >> 4) << 6);
            }
        }

        ushort dBits = QuantizeMath.ToHalf(maxScale / 63f);
        ushort dminBits = QuantizeMath.ToHalf(maxMin / 63f);
        BinaryPrimitives.WriteUInt16LittleEndian(y, dBits);
        BinaryPrimitives.WriteUInt16LittleEndian(y[2..], dminBits);
        for (int j = 0; j < 8; ++j)
        {
            KQuantScales.ScaleMinK4(j, packed, out byte sc, out byte m);
            float d = QuantizeMath.FromHalf(dBits) * sc;
            if (d == 0)
            {
                continue;
            }

            float dm = QuantizeMath.FromHalf(dminBits) * m;
            for (int ii = 0; ii < 32; ++ii)
            {
                int l = QuantizeMath.NearestInt((x[(32 * j) + ii] + dm) / d);
                levels[(32 * j) + ii] = (byte)Math.Max(0, Math.Min(15, l));
            }
        }

        var qs = y[16..];
        for (int j = 0, q = 0; j < 256; j += 64, q += 32)
        {
            for (int l = 0; l < 32; ++l)
            {
                qs[q + l] = (byte)(levels[j + l] | (levels[j + l + 32] << 4));
            }
        }
    }

    // Q6_K block: ql[128] low nibbles, qh[64] high 2 bits, scales[16] (int8), d (f16).
    public static void Q6_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<sbyte> levels = stackalloc sbyte[256];
        Span<float> scales = stackalloc float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ++ib)
        {
            float scale = QuantizeMath.SearchScaleSymmetric(x.Slice(16 * ib, 16), 32, levels.Slice(16 * ib, 16));
            scales[ib] = scale;
            float absScale = MathF.Abs(scale);
            if (absScale > maxAbsScale)
            {
                maxAbsScale = absScale;
                maxScale = scale;
            }
        }

        y.Clear();
        if (maxAbsScale < QuantizeMath.GroupMaxEpsilon)
        {
            return; // all-zero block: every byte (including d) is 0
        }

        float iscale = -128f / maxScale;
        ushort dBits = QuantizeMath.ToHalf(1 / iscale);
        BinaryPrimitives.WriteUInt16LittleEndian(y[208..], dBits);
        var blockScales = y.Slice(192, 16);
        for (int ib = 0; ib < 16; ++ib)
        {
            blockScales[ib] = (byte)(sbyte)Math.Min(127, QuantizeMath.NearestInt(iscale * scales[ib]));
        }

        for (int j = 0; j < 16; ++j)
        {
            float d = QuantizeMath.FromHalf(dBits) * (sbyte)blockScales[j];
            if (d == 0)
            {
                continue;
            }

            for (int ii = 0; ii < 16; ++ii)
            {
                int l = QuantizeMath.NearestInt(x[(16 * j) + ii] / d);
                l = Math.Max(-32, Math.Min(31, l));
                levels[(16 * j) + ii] = (sbyte)(l + 32);
            }
        }

        var ql = y[..128];
        var qh = y.Slice(128, 64);
        for (int j = 0, lo = 0, hi = 0; j < 256; j += 128, lo += 64, hi += 32)
        {
            for (int l = 0; l < 32; ++l)
            {
                int q1 = levels[j + l] & 0xF;
                int q2 = levels[j + l + 32] & 0xF;
                int q3 = levels[j + l + 64] & 0xF;
                int q4 = levels[j + l + 96] & 0xF;
                ql[lo + l] = (byte)(q1 | (q3 << 4));
                ql[lo + l + 32] = (byte)(q2 | (q4 << 4));
                qh[hi + l] = (byte)((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                    | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6));
            }
        }
    }
}
