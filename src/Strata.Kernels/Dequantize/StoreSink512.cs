// Vector512 sink that stores dequantized values to an f32 row (DequantizeRow on the AVX-512 path).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Stores each pair of vectors at Dst + index.</summary>
internal unsafe struct StoreSink512 : IVecSink512
{
    /// <summary>Destination row.</summary>
    public float* Dst;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Put(int index, Vector512<float> v0, Vector512<float> v1)
    {
        v0.Store(Dst + index);
        v1.Store(Dst + index + 16);
    }
}
