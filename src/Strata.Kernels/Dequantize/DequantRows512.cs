// Row loops over the AVX-512 block decoders: one optimized method per type and sink, the sink kept in registers.
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>Runs a type's AVX-512 block decoder over n elements (a block multiple) of a row into a sink.</summary>
internal static unsafe class DequantRows512
{
    /// <summary>Dispatches on type; throws for types without a block decoder.</summary>
    public static void Decode<TSink>(GgmlType type, byte* p, int n, ref TSink s) where TSink : struct, IVecSink512
    {
        switch (type)
        {
            case GgmlType.Q4_0:
                Legacy(p, n, 18, 0, ref s);
                break;
            case GgmlType.Q4_1:
                Legacy(p, n, 20, 1, ref s);
                break;
            case GgmlType.Q5_0:
                Legacy(p, n, 22, 2, ref s);
                break;
            case GgmlType.Q5_1:
                Legacy(p, n, 24, 3, ref s);
                break;
            case GgmlType.Q8_0:
                Legacy(p, n, 34, 4, ref s);
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
    private static void Legacy<TSink>(byte* p, int n, int blockBytes, int kind, ref TSink sink)
        where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 32, p += blockBytes)
        {
            switch (kind)
            {
                case 0:
                    LegacyQuantDequant512.Q4_0(p, o, ref s);
                    break;
                case 1:
                    LegacyQuantDequant512.Q4_1(p, o, ref s);
                    break;
                case 2:
                    LegacyQuantDequant512.Q5_0(p, o, ref s);
                    break;
                case 3:
                    LegacyQuantDequant512.Q5_1(p, o, ref s);
                    break;
                default:
                    LegacyQuantDequant512.Q8_0(p, o, ref s);
                    break;
            }
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q2K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 84)
        {
            KQuantDequant512.Q2K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q3K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 110)
        {
            KQuantDequant512.Q3K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 144)
        {
            KQuantDequant512.Q4K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q5K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 176)
        {
            KQuantDequant512.Q5K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q6K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 210)
        {
            KQuantDequant512.Q6K(p, o, ref s);
        }

        sink = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8K<TSink>(byte* p, int n, ref TSink sink) where TSink : struct, IVecSink512
    {
        TSink s = sink;
        for (int o = 0; o < n; o += 256, p += 292)
        {
            KQuantDequant512.Q8K(p, o, ref s);
        }

        sink = s;
    }
}
