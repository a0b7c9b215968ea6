// Vector sink that stores dequantized values to an f32 row (DequantizeRow).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Stores each vector at Dst + index.</summary>
internal unsafe struct StoreSink : IVecSink
{
    /// <summary>Destination row.</summary>
    public float* Dst;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Put(int index, Vector256<float> v) => v.Store(Dst + index);
}
