// Pointer-level dispatch of dequantize and dot to the SIMD block decoders, or to the scalar reference.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>Unchecked pointer entry points used by Quant, MatMul and the tests. Arguments are validated by callers.</summary>
internal static unsafe class QuantKernels
{
    /// <summary>True when the Vector256 decoders run; otherwise the scalar reference does the work.</summary>
    public static bool SimdEnabled => Vector256.IsHardwareAccelerated;

    /// <summary>Dequantizes n elements (a block multiple) of a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(GgmlType type, byte* src, float* dst, int n)
    {
        switch (type)
        {
            case GgmlType.F32:
                Buffer.MemoryCopy(src, dst, (long)n * 4, (long)n * 4);
                return;
            case GgmlType.F16:
                FloatKernels.Widen16((ushort*)src, dst, n, brain: false);
                return;
            case GgmlType.BF16:
                FloatKernels.Widen16((ushort*)src, dst, n, brain: true);
                return;
        }

        if (!SimdEnabled)
        {
            long bytes = GgmlTypeInfo.RowBytes(type, n);
            QuantReference.DequantizeRow(type, new ReadOnlySpan<byte>(src, (int)bytes), new Span<float>(dst, n));
            return;
        }

        StoreSink sink = new() { Dst = dst };
        QuantRows.Decode(type, src, n, ref sink);
    }

    /// <summary>Dot of n elements (a block multiple) of a quantized row with x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(GgmlType type, byte* row, float* x, int n)
    {
        switch (type)
        {
            case GgmlType.F32:
                return FloatKernels.Dot((float*)row, x, n);
            case GgmlType.F16:
                return FloatKernels.Dot16((ushort*)row, x, n, brain: false);
            case GgmlType.BF16:
                return FloatKernels.Dot16((ushort*)row, x, n, brain: true);
        }

        if (!SimdEnabled)
        {
            long bytes = GgmlTypeInfo.RowBytes(type, n);
            return (float)QuantReference.DotDouble(type, new ReadOnlySpan<byte>(row, (int)bytes),
                new ReadOnlySpan<float>(x, n));
        }

        DotSink sink = new() { X = x };
        QuantRows.Decode(type, row, n, ref sink);
        return sink.Sum();
    }
}
