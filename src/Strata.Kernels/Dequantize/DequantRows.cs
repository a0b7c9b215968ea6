// Row loops over the SIMD block decoders: one optimized method per type and sink, the sink kept in registers.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>Runs a type's block decoder over n elements (a block multiple) of a row into a sink.</summary>
internal static unsafe class DequantRows
{
    /// <summary>Dispatches on type; throws for types without a block decoder.</summary>
    public static void Decode<TSink>(GgmlType type, byte* p, int n, ref TSink s) where TSink : struct, IVecSink
    {
        switch (type)
        {
            case GgmlType.Q4_0:
                Q40(p, n, ref s);
                break;
            case GgmlType.Q4_1:
                Q41(p, n, ref s);
                break;
            case GgmlType.Q5_0:
                Q50(p, n, ref s);
                break;
            case GgmlType.Q5_1:
                Q51(p, n, ref s);
                break;
            case GgmlType.Q8_0:
                Q80(p, n, ref s);
                break;
            case GgmlType.Q2_K:
                Q2K(p, n, ref s);
                break;
            case GgmlType.Q3_K:
                Q3K(p, n, ref s);
                break;
            case GgmlType.Q4_K:
                Q4K(p, n, ref s);
                break;
            case GgmlType.Q5_K:
                Q5K(p, n, ref s);
                break;
            case GgmlType.Q6_K:
                Q6K(p, n, ref s);
                break;
            case GgmlType.Q8_K:
                Q8K(p, n, ref s);
                break;
            default:
                throw new ArgumentException($"Type {type} is not computable.", nameof(type));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q40<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += 18)
        {
            LegacyQuantDequant.Q4_0(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q41<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += 20)
        {
            LegacyQuantDequant.Q4_1(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q50<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += 22)
        {
            LegacyQuantDequant.Q5_0(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q51<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += 24)
        {
            LegacyQuantDequant.Q5_1(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q80<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += 34)
        {
            LegacyQuantDequant.Q8_0(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q2K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 84)
        {
            KQuantDequant.Q2K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q3K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 110)
        {
            KQuantDequant.Q3K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 144)
        {
            KQuantDequant.Q4K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q5K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 176)
        {
            KQuantDequant.Q5K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q6K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 210)
        {
            KQuantDequant.Q6K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 292)
        {
            KQuantDequant.Q8K(p, o, ref s);
        }

        sink = s;
    }
}
