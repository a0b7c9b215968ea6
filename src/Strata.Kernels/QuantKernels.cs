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
        Decode(type, src, n, ref sink);
    }

    /// <summary>Dot of n elements (a block multiple) of a quantized row with x.</summary>
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
        Decode(type, row, n, ref sink);
        return sink.Sum();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Decode<TSink>(GgmlType type, byte* p, int n, ref TSink s) where TSink : struct, IVecSink
    {
        switch (type)
        {
            case GgmlType.Q4_0:
                for (int o = 0; o < n; o += 32, p += 18)
                {
                    LegacyQuantDecoders.Q4_0(p, o, ref s);
                }

                break;
            case GgmlType.Q4_1:
                for (int o = 0; o < n; o += 32, p += 20)
                {
                    LegacyQuantDecoders.Q4_1(p, o, ref s);
                }

                break;
            case GgmlType.Q5_0:
                for (int o = 0; o < n; o += 32, p += 22)
                {
                    LegacyQuantDecoders.Q5_0(p, o, ref s);
                }

                break;
            case GgmlType.Q5_1:
                for (int o = 0; o < n; o += 32, p += 24)
                {
                    LegacyQuantDecoders.Q5_1(p, o, ref s);
                }

                break;
            case GgmlType.Q8_0:
                for (int o = 0; o < n; o += 32, p += 34)
                {
                    LegacyQuantDecoders.Q8_0(p, o, ref s);
                }

                break;
            case GgmlType.Q2_K:
                for (int o = 0; o < n; o += 256, p += 84)
                {
                    KQuantDecoders.Q2K(p, o, ref s);
                }

                break;
            case GgmlType.Q3_K:
                for (int o = 0; o < n; o += 256, p += 110)
                {
                    KQuantDecoders.Q3K(p, o, ref s);
                }

                break;
            case GgmlType.Q4_K:
                for (int o = 0; o < n; o += 256, p += 144)
                {
                    KQuantDecoders.Q4K(p, o, ref s);
                }

                break;
            case GgmlType.Q5_K:
                for (int o = 0; o < n; o += 256, p += 176)
                {
                    KQuantDecoders.Q5K(p, o, ref s);
                }

                break;
            case GgmlType.Q6_K:
                for (int o = 0; o < n; o += 256, p += 210)
                {
                    KQuantDecoders.Q6K(p, o, ref s);
                }

                break;
            case GgmlType.Q8_K:
                for (int o = 0; o < n; o += 256, p += 292)
                {
                    KQuantDecoders.Q8K(p, o, ref s);
                }

                break;
            default:
                throw new ArgumentException($"Type {type} is not computable.", nameof(type));
        }
    }
}
