// Consumer of dequantized 8-float vectors, so one block decoder serves both dequantize and dot.
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Receives 8 dequantized values that belong at element <c>index</c> of the row.</summary>
internal interface IVecSink
{
    /// <summary>Consumes elements [index, index + 8).</summary>
    void Put(int index, Vector256<float> v);
}
