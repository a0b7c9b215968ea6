// Consumer of dequantized 32-float groups as two Vector512, so one AVX-512 block decoder can serve several sinks.
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Receives 32 dequantized values that belong at element <c>index</c> of the row.</summary>
internal interface IVecSink512
{
    /// <summary>Consumes elements [index, index + 16) from <paramref name="v0"/> and [index + 16, index + 32) from <paramref name="v1"/>.</summary>
    void Put(int index, Vector512<float> v0, Vector512<float> v1);
}
