// Parallel job of Attention: scores, softmax and weighted value sum for one query head.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Part h handles query head h over KV head h / (Heads / KvHeads).</summary>
internal unsafe struct AttentionJob : IParallelJob
{
    public AttentionShape Shape;
    public float* Q;
    public nint* Keys;
    public nint* Values;
    public int Tokens;
    public float* Scores;
    public float* Output;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Execute(int index, int count)
    {
        int d = Shape.HeadDim;
        int bt = Shape.BlockTokens;
        int kvh = index / (Shape.Heads / Shape.KvHeads);
        nint rowStride = (nint)Shape.KvHeads * d;
        float* q = Q + ((nint)index * d);
        float* s = Scores + ((nint)index * Tokens);
        float* o = Output + ((nint)index * d);
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && d % 16 == 0 && Tokens > 0)
        {
            Fast512(q, s, o, kvh, rowStride);
            return;
        }

        for (int t = 0; t < Tokens; t++)
        {
            float* k = (float*)Keys[t / bt] + ((t % bt) * rowStride) + ((nint)kvh * d);
            s[t] = Shape.Scale * FloatKernels.Dot(q, k, d);
        }

        new Span<float>(o, d).Clear();
        if (Tokens == 0)
        {
            return;
        }

        VectorOps.SoftmaxCore(s, Tokens);
        for (int t = 0; t < Tokens; t++)
        {
            float* v = (float*)Values[t / bt] + ((t % bt) * rowStride) + ((nint)kvh * d);
            FloatKernels.Axpy(s[t], v, o, d);
        }
    }

    /// <summary>
    /// AVX-512 path for head sizes that are a multiple of 16: scores come 16 positions at a time (16 accumulators, one
    /// FMA per position and 16 dimensions, one transposing reduction), and the value sum keeps each 16-dimension slice of
    /// the output in a register across all positions.
    /// </summary>
    private readonly void Fast512(float* q, float* s, float* o, int kvh, nint rowStride)
    {
        int d = Shape.HeadDim;
        int bt = Shape.BlockTokens;
        nint headOffset = (nint)kvh * d;
        int t = 0;
        while (t < Tokens)
        {
            int inBlock = t % bt;
            float* k = (float*)Keys[t / bt] + (inBlock * rowStride) + headOffset;
            int run = Math.Min(bt - inBlock, Tokens - t);
            int i = 0;
            for (; i + 16 <= run; i += 16, k += 16 * rowStride)
            {
                Scores16(q, k, rowStride, d, Shape.Scale, s + t + i);
            }

            for (; i < run; i++, k += rowStride)
            {
                s[t + i] = Shape.Scale * FloatKernels.Dot(q, k, d);
            }

            t += run;
        }

        VectorOps.SoftmaxCore(s, Tokens);

        // Value sum: four 16-dimension slices at a time, so four independent FMA chains cover the FMA latency; each
        // slice still adds the positions in order.
        int c4 = 0;
        for (; c4 + 64 <= d; c4 += 64)
        {
            Vector512<float> acc0 = Vector512<float>.Zero, acc1 = Vector512<float>.Zero;
            Vector512<float> acc2 = Vector512<float>.Zero, acc3 = Vector512<float>.Zero;
            for (int b = 0, t0 = 0; t0 < Tokens; b++, t0 += bt)
            {
                float* v = (float*)Values[b] + headOffset + c4;
                int n = Math.Min(bt, Tokens - t0);
                float* p = s + t0;
                for (int r = 0; r < n; r++, v += rowStride)
                {
                    Vector512<float> w = Vector512.Create(p[r]);
                    acc0 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v), acc0);
                    acc1 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 16), acc1);
                    acc2 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 32), acc2);
                    acc3 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 48), acc3);
                }
            }

            acc0.Store(o + c4);
            acc1.Store(o + c4 + 16);
            acc2.Store(o + c4 + 32);
            acc3.Store(o + c4 + 48);
        }

        for (int c = c4; c < d; c += 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (int b = 0, t0 = 0; t0 < Tokens; b++, t0 += bt)
            {
                float* v = (float*)Values[b] + headOffset + c;
                int n = Math.Min(bt, Tokens - t0);
                float* p = s + t0;
                for (int r = 0; r < n; r++, v += rowStride)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(p[r]), Vector512.Load(v), acc);
                }
            }

            acc.Store(o + c);
        }
    }

    /// <summary>dst[i] = scale · q · k_i for the 16 key rows k + i·stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores16(float* q, float* k, nint stride, int d, float scale, float* dst)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default;
        Vector512<float> a12 = default, a13 = default, a14 = default, a15 = default;
        for (int c = 0; c < d; c += 16)
        {
            Vector512<float> x = Vector512.Load(q + c);
            float* p = k + c;
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + stride), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (2 * stride)), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (3 * stride)), a3);
            p += 4 * stride;
            a4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p), a4);
            a5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + stride), a5);
            a6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (2 * stride)), a6);
            a7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (3 * stride)), a7);
            p += 4 * stride;
            a8 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p), a8);
            a9 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + stride), a9);
            a10 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (2 * stride)), a10);
            a11 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (3 * stride)), a11);
            p += 4 * stride;
            a12 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p), a12);
            a13 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + stride), a13);
            a14 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (2 * stride)), a14);
            a15 = Vector512.FusedMultiplyAdd(x, Vector512.Load(p + (3 * stride)), a15);
        }

        // Sum4x4 puts the total of its (j, t) argument in lane 4·j + t; position 4·j + t is a{4j+t}.
        Vector512<float> sums = Reduce512.Sum4x4(a0, a4, a8, a12, a1, a5, a9, a13, a2, a6, a10, a14, a3, a7, a11, a15);
        (sums * Vector512.Create(scale)).Store(dst);
    }
}
