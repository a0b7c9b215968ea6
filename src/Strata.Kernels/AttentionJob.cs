// Parallel job of Attention: scores, softmax and weighted value sum for one query head.
using System.Runtime.CompilerServices;

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
}
