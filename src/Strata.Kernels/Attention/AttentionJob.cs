// Parallel job of Attention: scores, softmax and weighted value sum for one query head.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Part h handles query head h over KV head h / (Heads / KvHeads); <see cref="Heads"/> handles a group of them.</summary>
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
    public readonly void Execute(int index, int count) => Heads(index, 1);

    /// <summary>
    /// With a sliding window, leaves out the whole KV blocks before it (their positions are masked anyway), so a local layer's
    /// cost is its window, not its context; the partial block at the window's start is kept and masked by <see cref="Prepare"/>.
    /// </summary>
    public void SkipBlocksBeforeWindow()
    {
        if (Shape.Window <= 0 || Tokens <= Shape.Window)
        {
            return;
        }

        int blocks = (Tokens - Shape.Window) / Shape.BlockTokens;
        Keys += blocks;
        Values += blocks;
        Tokens -= blocks * Shape.BlockTokens;
    }

    /// <summary>
    /// Query heads [first, first + count), which must share one KV head. Each head's result is the same whatever the
    /// count (every head takes the same operations in the same order); a group only reads each key and value row
    /// once from memory for all its heads, where one part per head read them once per head.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Heads(int first, int count)
    {
        int d = Shape.HeadDim;
        int bt = Shape.BlockTokens;
        int kvh = first / (Shape.Heads / Shape.KvHeads);
        nint rowStride = (nint)Shape.KvHeads * d;
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && d % 16 == 0 && Tokens > 0)
        {
            if (Shape.HalfKv)
            {
                Fast512<ushort>(first, count, kvh, rowStride);
            }
            else
            {
                Fast512<float>(first, count, kvh, rowStride);
            }

            return;
        }

        // f16 rows are widened into row (exactly) and then take the f32 arithmetic.
        float* row = stackalloc float[Shape.HalfKv ? d : 0];
        for (int h = first; h < first + count; h++)
        {
            float* q = Q + ((nint)h * d);
            float* s = Scores + ((nint)h * Tokens);
            float* o = Output + ((nint)h * d);
            for (int t = 0; t < Tokens; t++)
            {
                s[t] = Shape.Scale * FloatDots.Dot(q, Row(Keys, t, bt, rowStride, kvh * d, row), d);
            }

            new Span<float>(o, d).Clear();
            if (Tokens == 0)
            {
                continue;
            }

            Prepare(s);
            VectorOps.SoftmaxCore(s, Tokens);
            for (int t = 0; t < Tokens; t++)
            {
                FloatDots.Axpy(s[t], Row(Values, t, bt, rowStride, kvh * d, row), o, d);
            }
        }
    }

    /// <summary>
    /// Soft-caps one head's scores and masks the positions before the sliding window (their probability becomes at most
    /// e^−87 of the largest, the softmax's exp clamp: nothing a float sum of values can see).
    /// </summary>
    private readonly void Prepare(float* s)
    {
        if (Shape.SoftCap > 0)
        {
            Activations.SoftCap(new Span<float>(s, Tokens), Shape.SoftCap);
        }

        if (Shape.Window > 0 && Tokens > Shape.Window)
        {
            new Span<float>(s, Tokens - Shape.Window).Fill(float.NegativeInfinity);
        }
    }

    /// <summary>Position t's head row (at element offset headOffset) of the blocks as f32: in place, or widened into row.</summary>
    private readonly float* Row(nint* blocks, int t, int bt, nint rowStride, nint headOffset, float* row)
    {
        nint element = ((t % bt) * rowStride) + headOffset;
        if (!Shape.HalfKv)
        {
            return (float*)blocks[t / bt] + element;
        }

        FloatDots.Widen16((ushort*)blocks[t / bt] + element, row, Shape.HeadDim, brain: false);
        return row;
    }

    /// <summary>16 elements at p as f32: f32 loaded, f16 converted exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load16<T>(T* p) where T : unmanaged =>
        typeof(T) == typeof(ushort) ? FloatDots.LoadHalf16((ushort*)p) : Vector512.Load((float*)p);

    /// <summary>
    /// AVX-512 path for head sizes that are a multiple of 16: scores come 16 positions at a time (16 accumulators, one
    /// FMA per position and 16 dimensions, one transposing reduction), every head of the group over one run of key rows
    /// while it is in L1; the value sum keeps each 16-dimension slice of up to three heads' outputs in registers across
    /// all positions, so a value row is loaded once for three heads. Key and value rows are prefetched
    /// <see cref="PrefetchBlocks"/> blocks ahead.
    /// </summary>
    private readonly void Fast512<T>(int first, int count, int kvh, nint rowStride) where T : unmanaged
    {
        int d = Shape.HeadDim;
        int bt = Shape.BlockTokens;
        nint headOffset = (nint)kvh * d;
        // f16 keys are widened 16 rows at a time into rows (exactly), once for all the group's heads.
        float* rows = stackalloc float[typeof(T) == typeof(ushort) ? 16 * d : 0];
        int blocks = (Tokens + bt - 1) / bt;
        for (int b = 0; b < PrefetchBlocks && b < blocks; b++)
        {
            Prefetch<T>(Keys, b, headOffset, rowStride);
        }

        int t = 0;
        while (t < Tokens)
        {
            int inBlock = t % bt;
            Prefetch<T>(Keys, (t / bt) + PrefetchBlocks, headOffset, rowStride);
            nint at = (inBlock * rowStride) + headOffset;
            int run = Math.Min(bt - inBlock, Tokens - t);
            if (typeof(T) == typeof(ushort))
            {
                ScoresHalf(first, count, (ushort*)Keys[t / bt] + at, run, t, rowStride, rows);
                t += run;
                continue;
            }

            float* k = (float*)Keys[t / bt] + at;
            for (int h = first; h < first + count; h++)
            {
                float* q = Q + ((nint)h * d);
                float* s = Scores + ((nint)h * Tokens) + t;
                float* kr = k;
                int i = 0;
                for (; i + 16 <= run; i += 16, kr += 16 * rowStride)
                {
                    Scores16(q, kr, rowStride, d, Shape.Scale, s + i);
                }

                for (; i < run; i++, kr += rowStride)
                {
                    s[i] = Shape.Scale * FloatDots.Dot(q, kr, d);
                }
            }

            t += run;
        }

        // The value rows start coming in while the softmax runs.
        for (int b = 0; b < PrefetchBlocks && b < blocks; b++)
        {
            Prefetch<T>(Values, b, headOffset, rowStride);
        }

        for (int h = first; h < first + count; h++)
        {
            Prepare(Scores + ((nint)h * Tokens));
            VectorOps.SoftmaxCore(Scores + ((nint)h * Tokens), Tokens);
        }

        for (int h = first; h < first + count; h += 3)
        {
            ValueSum<T>(h, Math.Min(3, first + count - h), headOffset, rowStride);
        }
    }

    /// <summary>Scores of run f16 key rows from position t for the group's heads, as the f32 path computes them.</summary>
    private readonly void ScoresHalf(int first, int count, ushort* k, int run, int t, nint rowStride, float* rows)
    {
        int d = Shape.HeadDim;
        int i = 0;
        for (; i < run; i += 16, k += 16 * rowStride)
        {
            int n = Math.Min(16, run - i);
            for (int r = 0; r < n; r++)
            {
                FloatDots.Widen16(k + (r * rowStride), rows + (r * d), d, brain: false);
            }

            for (int h = first; h < first + count; h++)
            {
                float* q = Q + ((nint)h * d);
                float* s = Scores + ((nint)h * Tokens) + t + i;
                if (n == 16)
                {
                    Scores16(q, rows, d, d, Shape.Scale, s);
                    continue;
                }

                for (int r = 0; r < n; r++)
                {
                    s[r] = Shape.Scale * FloatDots.Dot(q, rows + (r * d), d);
                }
            }
        }
    }

    /// <summary>
    /// o_h = Σ_t p_h[t] · v_t for g ≤ 3 heads from h: four 16-dimension slices at a time, so four independent FMA chains
    /// per head cover the FMA latency; each slice adds the positions in order, so a head's sum does not depend on g.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void ValueSum<T>(int h, int g, nint headOffset, nint rowStride) where T : unmanaged
    {
        int d = Shape.HeadDim;
        int bt = Shape.BlockTokens;
        float* p0 = Scores + ((nint)h * Tokens);
        float* p1 = g > 1 ? p0 + Tokens : p0;
        float* p2 = g > 2 ? p0 + (2 * Tokens) : p0;
        float* o0 = Output + ((nint)h * d);
        int c4 = 0;
        for (; c4 + 64 <= d; c4 += 64)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            for (int b = 0, t0 = 0; t0 < Tokens; b++, t0 += bt)
            {
                T* v = (T*)Values[b] + headOffset + c4;
                int n = Math.Min(bt, Tokens - t0);
                if (c4 == 0)
                {
                    Prefetch<T>(Values, b + PrefetchBlocks, headOffset, rowStride);
                }

                for (int r = t0; r < t0 + n; r++, v += rowStride)
                {
                    Vector512<float> v0 = Load16(v), v1 = Load16(v + 16), v2 = Load16(v + 32), v3 = Load16(v + 48);
                    Vector512<float> w = Vector512.Create(p0[r]);
                    a00 = Vector512.FusedMultiplyAdd(w, v0, a00);
                    a01 = Vector512.FusedMultiplyAdd(w, v1, a01);
                    a02 = Vector512.FusedMultiplyAdd(w, v2, a02);
                    a03 = Vector512.FusedMultiplyAdd(w, v3, a03);
                    w = Vector512.Create(p1[r]);
                    a10 = Vector512.FusedMultiplyAdd(w, v0, a10);
                    a11 = Vector512.FusedMultiplyAdd(w, v1, a11);
                    a12 = Vector512.FusedMultiplyAdd(w, v2, a12);
                    a13 = Vector512.FusedMultiplyAdd(w, v3, a13);
                    w = Vector512.Create(p2[r]);
                    a20 = Vector512.FusedMultiplyAdd(w, v0, a20);
                    a21 = Vector512.FusedMultiplyAdd(w, v1, a21);
                    a22 = Vector512.FusedMultiplyAdd(w, v2, a22);
                    a23 = Vector512.FusedMultiplyAdd(w, v3, a23);
                }
            }

            // With g < 3 the spare chains repeat head h's sum and are not stored.
            Store4(o0 + c4, a00, a01, a02, a03);
            if (g > 1)
            {
                Store4(o0 + d + c4, a10, a11, a12, a13);
            }

            if (g > 2)
            {
                Store4(o0 + (2 * d) + c4, a20, a21, a22, a23);
            }
        }

        for (int k = 0; k < g; k++)
        {
            float* p = Scores + ((nint)(h + k) * Tokens);
            float* o = o0 + ((nint)k * d);
            for (int c = c4; c < d; c += 16)
            {
                Vector512<float> acc = Vector512<float>.Zero;
                for (int b = 0, t0 = 0; t0 < Tokens; b++, t0 += bt)
                {
                    T* v = (T*)Values[b] + headOffset + c;
                    int n = Math.Min(bt, Tokens - t0);
                    for (int r = t0; r < t0 + n; r++, v += rowStride)
                    {
                        acc = Vector512.FusedMultiplyAdd(Vector512.Create(p[r]), Load16(v), acc);
                    }
                }

                acc.Store(o + c);
            }
        }
    }

    /// <summary>
    /// Blocks fetched (into L2) ahead of the one being read. A part's rows of a block are short runs (one head's slice of
    /// each position, 256 bytes of a 768-byte row for SmolLM), each block elsewhere in the pool: too little for the
    /// hardware prefetchers, so a part waited on DRAM at every block. With them, 30 layers of attention for 16 sequences
    /// of 800 positions went from 42–49 ms to 25.5 ms on two threads (23 GB/s of the 29 the machine reads), 64 positions
    /// from 3.0–3.5 to 1.4 ms. Prefetching into L1 instead gained nothing (the L1 miss queue drops them); 4 blocks ahead
    /// no more than 2.
    /// </summary>
    private const int PrefetchBlocks = 2;

    /// <summary>Most rows of a block prefetched: large blocks are long enough runs for the hardware prefetchers.</summary>
    private const int PrefetchRows = 32;

    /// <summary>Prefetches this part's head slice of the positions of block b of blocks (nothing past the last block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Prefetch<T>(nint* blocks, int b, nint headOffset, nint rowStride) where T : unmanaged
    {
        int bt = Shape.BlockTokens;
        int n = Math.Min(Math.Min(bt, PrefetchRows), Tokens - (b * bt));
        if (n <= 0)
        {
            return;
        }

        byte* p = (byte*)((T*)blocks[b] + headOffset);
        nint stride = rowStride * sizeof(T);
        for (int r = 0; r < n; r++, p += stride)
        {
            StreamPrefetch.ToL2(p, Shape.HeadDim * sizeof(T));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* o, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        a0.Store(o);
        a1.Store(o + 16);
        a2.Store(o + 32);
        a3.Store(o + 48);
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
