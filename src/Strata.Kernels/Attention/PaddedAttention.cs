// Bidirectional attention over a padded batch (encoders): every token of a sequence attends to every key of the same
// sequence, with an additive bias per key (0 for a real token, a large negative number for padding), as ONNX exports of
// BERT-family models compute it.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// softmax(q·kᵀ · scale + bias[key]) · v per sequence and head, over rows of [sequences · length, heads · headDim]. A pair's
/// keys are transposed once; scores are <see cref="MicroTile"/> tiles of six queries × sixteen keys (each score sums its head
/// dims in order), the softmax subtracts the row maximum, exponentiates in vectors and sums in f32, and the weighted values are
/// tiles of six queries × sixteen dims (each sums its keys in order; dims past a multiple of 16 by vector multiply-adds).
/// Pairs (sequence, head) are independent, so callers split the work by <c>firstPair</c>/<c>pairCount</c>.
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
    /// <param name="scores">scratch of at least <see cref="ScratchFloats"/>(length, headDim) floats</param>
    /// <param name="firstPair">first pair</param>
    /// <param name="pairCount">pairs</param>
    /// <exception cref="ArgumentException">a length or range does not fit</exception>
    public static void Apply(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keyBias, int sequences, int length,
        int heads, int headDim, float scale, Span<float> output, Span<float> scores, int firstPair, int pairCount) =>
        Apply(q, k, v, heads * headDim, keyBias, sequences, length, heads, headDim, scale, output, scores, firstPair, pairCount);

    /// <summary>
    /// As <see cref="Apply(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, float, Span{float}, Span{float}, int, int)"/>,
    /// with the rows of q, k and v <paramref name="inputStride"/> floats apart (≥ heads · headDim): q, k and v packed side by side
    /// in one product's rows are three spans of one buffer, offset by heads · headDim, with a stride of three times that.
    /// </summary>
    /// <param name="q">queries, row r at r · inputStride</param>
    /// <param name="k">keys, same layout</param>
    /// <param name="v">values, same layout</param>
    /// <param name="inputStride">floats from one row of q, k or v to the next</param>
    /// <param name="keyBias">[sequences · length] added to every score of that key; empty for none</param>
    /// <param name="sequences">sequences in the batch</param>
    /// <param name="length">tokens per sequence (padding included)</param>
    /// <param name="heads">heads</param>
    /// <param name="headDim">width of a head</param>
    /// <param name="scale">score scale, usually 1/√headDim</param>
    /// <param name="output">[sequences · length, heads · headDim] (rows heads · headDim apart); only the pairs' columns are written</param>
    /// <param name="scores">scratch of at least <see cref="ScratchFloats"/>(length, headDim) floats</param>
    /// <param name="firstPair">first pair</param>
    /// <param name="pairCount">pairs</param>
    /// <exception cref="ArgumentException">a length, stride or range does not fit</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int inputStride, ReadOnlySpan<float> keyBias, int sequences,
        int length, int heads, int headDim, float scale, Span<float> output, Span<float> scores, int firstPair, int pairCount)
    {
        int width = heads * headDim;
        long elements = (long)sequences * length * width;
        long rows = (long)sequences * length;
        long inputs = rows == 0 ? 0 : ((rows - 1) * inputStride) + width;
        if (sequences < 0 || length < 0 || heads < 1 || headDim < 1 || inputStride < width || q.Length < inputs || k.Length < inputs || v.Length < inputs
            || output.Length < elements || (keyBias.Length != 0 && keyBias.Length < sequences * length))
        {
            throw new ArgumentException($"PaddedAttention: buffers do not hold {sequences} × {length} rows of {heads} × {headDim} ({inputStride} apart).", nameof(q));
        }

        if (firstPair < 0 || pairCount < 0 || firstPair + pairCount > sequences * heads)
        {
            throw new ArgumentException($"PaddedAttention: pairs [{firstPair}, +{pairCount}) outside the {sequences * heads} of the batch.", nameof(firstPair));
        }

        if (scores.Length < ScratchFloats(length, headDim))
        {
            throw new ArgumentException($"PaddedAttention: scratch holds {scores.Length} floats; {ScratchFloats(length, headDim)} are needed.", nameof(scores));
        }

        fixed (float* pq = q)
        fixed (float* pk = k)
        fixed (float* pv = v)
        fixed (float* pb = keyBias)
        fixed (float* po = output)
        fixed (float* ps = scores)
        {
            // Scratch: this pair's keys transposed [headDim][stride] (zero past the last key), then the scores of one tile of
            // six queries [6][stride]. Scores and weighted values are both 6 × 16 micro-tiles: queries × keys over the head's
            // dims, then weights × values over the keys.
            int stride = Padded(length);
            float* kt = ps, tile = ps + ((long)headDim * stride);
            int wholeDims = headDim / MicroTile.Columns * MicroTile.Columns;
            for (int pair = firstPair; pair < firstPair + pairCount; pair++)
            {
                int s = pair / heads, h = pair % heads;
                long first = (long)s * length;
                int column = h * headDim;
                float* bias = keyBias.Length == 0 ? null : pb + first;
                Transpose(pk + (first * inputStride) + column, inputStride, length, headDim, kt, stride);
                for (int i0 = 0; i0 < length; i0 += MicroTile.Rows)
                {
                    int m = Math.Min(MicroTile.Rows, length - i0);
                    nint last = m - 1;
                    float* q0 = pq + ((first + i0) * inputStride) + column;
                    for (int j = 0; j < stride; j += MicroTile.Columns)
                    {
                        MicroTile.Multiply(q0, inputStride * Math.Min(1, last), inputStride * Math.Min(2, last), inputStride * Math.Min(3, last),
                            inputStride * Math.Min(4, last), inputStride * Math.Min(5, last), kt + j, stride, headDim, tile + j, stride, false, null);
                    }

                    SoftmaxRows(tile, m, stride, scale, bias, length);

                    float* o0 = po + ((first + i0) * width) + column;
                    float* v0 = pv + (first * inputStride) + column;
                    for (int d = 0; d < wholeDims; d += MicroTile.Columns)
                    {
                        MicroTile.Tile(tile, stride, m, v0 + d, inputStride, length, o0 + d, width, MicroTile.Columns, false, null);
                    }

                    if (wholeDims < headDim)
                    {
                        for (int r = 0; r < m; r++)
                        {
                            float* oi = o0 + ((long)r * width) + wholeDims;
                            float* weights = tile + ((long)r * stride);
                            new Span<float>(oi, headDim - wholeDims).Clear();
                            for (int j = 0; j < length; j++)
                            {
                                Axpy(weights[j], v0 + ((long)j * inputStride) + wholeDims, oi, headDim - wholeDims);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Scratch floats one call needs for sequences of <paramref name="length"/> and heads of <paramref name="headDim"/>.</summary>
    public static int ScratchFloats(int length, int headDim) => (headDim + MicroTile.Rows) * Padded(length);

    private static int Padded(int length) => (length + MicroTile.Columns - 1) / MicroTile.Columns * MicroTile.Columns;

    // kt[d·stride + j] = k[j·width + d] for j < length, 0 up to stride: 8 × 8 blocks by AVX shuffles where whole, the rest
    // one float at a time.
    private static void Transpose(float* k, int width, int length, int headDim, float* kt, int stride)
    {
        int j0 = 0;
        if (Avx.IsSupported)
        {
            for (; j0 + 8 <= length; j0 += 8)
            {
                int d0 = 0;
                for (; d0 + 8 <= headDim; d0 += 8)
                {
                    Transpose8(k + ((long)j0 * width) + d0, width, kt + ((long)d0 * stride) + j0, stride);
                }

                for (int j = j0; j < j0 + 8; j++)
                {
                    for (int d = d0; d < headDim; d++)
                    {
                        kt[((long)d * stride) + j] = k[((long)j * width) + d];
                    }
                }
            }
        }

        for (int j = j0; j < length; j++)
        {
            float* kj = k + ((long)j * width);
            for (int d = 0; d < headDim; d++)
            {
                kt[((long)d * stride) + j] = kj[d];
            }
        }

        if (length < stride)
        {
            for (int d = 0; d < headDim; d++)
            {
                new Span<float>(kt + ((long)d * stride) + length, stride - length).Clear();
            }
        }
    }

    // dst[c·ldd + r] = src[r·lds + c] for an 8 × 8 block.
    private static void Transpose8(float* src, int lds, float* dst, int ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + (2 * lds));
        var r3 = Avx.LoadVector256(src + (3 * lds));
        var r4 = Avx.LoadVector256(src + (4 * lds));
        var r5 = Avx.LoadVector256(src + (5 * lds));
        var r6 = Avx.LoadVector256(src + (6 * lds));
        var r7 = Avx.LoadVector256(src + (7 * lds));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0b01_00_01_00);
        var u1 = Avx.Shuffle(t0, t2, 0b11_10_11_10);
        var u2 = Avx.Shuffle(t1, t3, 0b01_00_01_00);
        var u3 = Avx.Shuffle(t1, t3, 0b11_10_11_10);
        var u4 = Avx.Shuffle(t4, t6, 0b01_00_01_00);
        var u5 = Avx.Shuffle(t4, t6, 0b11_10_11_10);
        var u6 = Avx.Shuffle(t5, t7, 0b01_00_01_00);
        var u7 = Avx.Shuffle(t5, t7, 0b11_10_11_10);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
    }

    // Each of the tile's m rows: row[j] = softmax_j(row[j] · scale + bias[j]) for j < length; 0 for length ≤ j < stride. Every
    // pass walks the keys once with the rows innermost, so the rows' maxima, exponentials and sums overlap instead of each row
    // waiting on its own reductions; the vector holding the last keys and the padding is masked to −∞. Maxima by vmaxps.
    private static void SoftmaxRows(float* tile, int m, int stride, float scale, float* bias, int length)
    {
        var scaleV = Vector256.Create(scale);
        var negativeInfinity = Vector256.Create(float.NegativeInfinity);
        Vector256<float>* max = stackalloc Vector256<float>[MicroTile.Rows];
        Vector256<float>* sum = stackalloc Vector256<float>[MicroTile.Rows];
        for (int r = 0; r < m; r++)
        {
            max[r] = negativeInfinity;
            sum[r] = Vector256<float>.Zero;
        }

        for (int j = 0; j < stride; j += 8)
        {
            var add = Vector256<float>.Zero;
            if (bias is not null && j < length)
            {
                add = j + 8 <= length ? Vector256.Load(bias + j) : Tail(bias + j, length - j);
            }

            bool masked = j + 8 > length;
            var keep = masked ? Lanes(length - j) : Vector256<float>.AllBitsSet;
            for (int r = 0; r < m; r++)
            {
                float* p = tile + ((long)r * stride) + j;
                var score = (Vector256.Load(p) * scaleV) + add;
                if (masked)
                {
                    score = Vector256.ConditionalSelect(keep, score, negativeInfinity);
                }

                score.Store(p);
                max[r] = Vector256.MaxNative(max[r], score);
            }
        }

        for (int r = 0; r < m; r++)
        {
            var half = Vector128.MaxNative(max[r].GetLower(), max[r].GetUpper());
            half = Vector128.MaxNative(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
            half = Vector128.MaxNative(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
            max[r] = Vector256.Create(half.ToScalar());
        }

        for (int j = 0; j < stride; j += 8)
        {
            for (int r = 0; r < m; r++)
            {
                float* p = tile + ((long)r * stride) + j;
                var e = VectorOps.Exp256(Vector256.Load(p) - max[r]);
                e.Store(p);
                sum[r] += e;
            }
        }

        for (int r = 0; r < m; r++)
        {
            sum[r] = Vector256.Create(1f / Vector256.Sum(sum[r]));
        }

        for (int j = 0; j < stride; j += 8)
        {
            for (int r = 0; r < m; r++)
            {
                float* p = tile + ((long)r * stride) + j;
                (Vector256.Load(p) * sum[r]).Store(p);
            }
        }
    }

    private static Vector256<float> Tail(float* p, int count)
    {
        var lanes = Vector256<float>.Zero;
        for (int i = 0; i < count; i++)
        {
            lanes = lanes.WithElement(i, p[i]);
        }

        return lanes;
    }

    private static Vector256<float> Lanes(int count) =>
        Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)count));

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
