// Vector sink that multiplies dequantized values with activations and accumulates (Dot).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Accumulates v · X[index..index+8) into two FMA accumulators (alternating on bit 3 of index).</summary>
internal unsafe struct DotSink : IVecSink
{
    /// <summary>Activations.</summary>
    public float* X;

    /// <summary>Accumulator for indices with bit 3 clear.</summary>
    public Vector256<float> Acc0;

    /// <summary>Accumulator for indices with bit 3 set.</summary>
    public Vector256<float> Acc1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Put(int index, Vector256<float> v)
    {
        if ((index & 8) == 0)
        {
            Acc0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(X + index), Acc0);
        }
        else
        {
            Acc1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(X + index), Acc1);
        }
    }

    /// <summary>Horizontal sum of both accumulators.</summary>
    public readonly float Sum() => Vector256.Sum(Acc0 + Acc1);
}
