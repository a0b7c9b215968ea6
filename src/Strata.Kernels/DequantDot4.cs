// Batch-invariant matrix-vector for Q8_0 and Q4_0: the 4-row tile's arithmetic with the weights dequantized in registers.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// <see cref="FloatKernels.Dot4Add"/> over four quantized rows, each 16-weight group dequantized in registers instead of
/// into a scratch chunk first. A Q8_0 or Q4_0 weight is q·d (or (q − 8)·d), which is exact in f32, so the values equal
/// <see cref="QuantKernels.Dequantize"/>'s; the chains and the reduction are Dot4Add's, so a result is bit-identical to
/// the batched tile's (<see cref="MatMulJob"/>'s batch-invariant path). One activation row stops paying the chunk's
/// 8 KiB of stores and reloads: the one-row decode of exact numerics runs at the speed of the non-invariant kernels.
/// </summary>
internal static unsafe class DequantDot4
{
    /// <summary>Columns the kernels take at once: MatMulJob's chunk, 16 blocks.</summary>
    public const int MaxColumns = MatMulJob.KChunk;

    /// <summary>True where <see cref="Add"/> computes type (AVX-512, Q8_0 or Q4_0).</summary>
    public static bool Applies(GgmlType type) => KernelIsa.Use512 && type is GgmlType.Q8_0 or GgmlType.Q4_0;

    /// <summary>
    /// r[t] += Σ_k dequant(row t)[k] · x[k] for the four rows at w, rowBytes apart, over n ≤ <see cref="MaxColumns"/>
    /// columns (a block multiple) from block 0: one 16-lane chain per row in column order, reduced by
    /// <see cref="Reduce512.Sum"/>, exactly as Dot4Add.
    /// </summary>
    public static void Add(GgmlType type, byte* w, nint rowBytes, float* x, int n, float* r)
    {
        // The 4 × 16 block scales first: a full chunk converts each row's 16 at once, which also touches every cache
        // line of the four rows' chunks up front (a scalar conversion per block in the loop ran 2.5× slower on the
        // 28 MB output matrix, whose rows come from DRAM).
        float* sc = stackalloc float[64];
        int blockBytes = type == GgmlType.Q8_0 ? 34 : 18;
        for (int t = 0; t < 4; t++)
        {
            byte* row = w + (t * rowBytes);
            if (n == MaxColumns)
            {
                (type == GgmlType.Q8_0 ? HalfVec512.Stride34(row) : HalfVec512.Stride18(row)).Store(sc + (16 * t));
                continue;
            }

            for (int b = 0; b < n / 32; b++)
            {
                sc[(16 * t) + b] = FastHalf.Read(row + (b * blockBytes));
            }
        }

        if (type == GgmlType.Q8_0)
        {
            Q8_0(w, rowBytes, x, n, sc, r);
        }
        else
        {
            Q4_0(w, rowBytes, x, n, sc, r);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8_0(byte* w, nint rowBytes, float* x, int n, float* sc, float* r)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        byte* b0 = w + 2, b1 = b0 + rowBytes, b2 = b0 + (2 * rowBytes), b3 = b0 + (3 * rowBytes);
        for (int i = 0, k = 0; i < n; i += 32, k++, b0 += 34, b1 += 34, b2 += 34, b3 += 34)
        {
            Vector512<float> lo = Vector512.Load(x + i), hi = Vector512.Load(x + i + 16);
            Vector512<float> d0 = Vector512.Create(sc[k]), d1 = Vector512.Create(sc[16 + k]);
            Vector512<float> d2 = Vector512.Create(sc[32 + k]), d3 = Vector512.Create(sc[48 + k]);
            s0 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)b0)) * d0, lo, s0);
            s1 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)b1)) * d1, lo, s1);
            s2 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)b2)) * d2, lo, s2);
            s3 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)b3)) * d3, lo, s3);
            s0 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(b0 + 16))) * d0, hi, s0);
            s1 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(b1 + 16))) * d1, hi, s1);
            s2 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(b2 + 16))) * d2, hi, s2);
            s3 = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(b3 + 16))) * d3, hi, s3);
        }

        r[0] += Reduce512.Sum(s0);
        r[1] += Reduce512.Sum(s1);
        r[2] += Reduce512.Sum(s2);
        r[3] += Reduce512.Sum(s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4_0(byte* w, nint rowBytes, float* x, int n, float* sc, float* r)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        Vector512<float> eight = Vector512.Create(8f);
        byte* b0 = w + 2, b1 = b0 + rowBytes, b2 = b0 + (2 * rowBytes), b3 = b0 + (3 * rowBytes);
        for (int i = 0, k = 0; i < n; i += 32, k++, b0 += 18, b1 += 18, b2 += 18, b3 += 18)
        {
            Vector512<float> lo = Vector512.Load(x + i), hi = Vector512.Load(x + i + 16);
            Vector256<byte> q0 = LegacyQuantDecoders.Nibbles(b0), q1 = LegacyQuantDecoders.Nibbles(b1);
            Vector256<byte> q2 = LegacyQuantDecoders.Nibbles(b2), q3 = LegacyQuantDecoders.Nibbles(b3);
            Vector512<float> d0 = Vector512.Create(sc[k]), d1 = Vector512.Create(sc[16 + k]);
            Vector512<float> d2 = Vector512.Create(sc[32 + k]), d3 = Vector512.Create(sc[48 + k]);
            s0 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q0.GetLower()) - eight) * d0, lo, s0);
            s1 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q1.GetLower()) - eight) * d1, lo, s1);
            s2 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q2.GetLower()) - eight) * d2, lo, s2);
            s3 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q3.GetLower()) - eight) * d3, lo, s3);
            s0 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q0.GetUpper()) - eight) * d0, hi, s0);
            s1 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q1.GetUpper()) - eight) * d1, hi, s1);
            s2 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q2.GetUpper()) - eight) * d2, hi, s2);
            s3 = Vector512.FusedMultiplyAdd((SimdWiden512.U8(q3.GetUpper()) - eight) * d3, hi, s3);
        }

        r[0] += Reduce512.Sum(s0);
        r[1] += Reduce512.Sum(s1);
        r[2] += Reduce512.Sum(s2);
        r[3] += Reduce512.Sum(s3);
    }
}
