// Outer-product f32 micro-kernel for prefill: 32 weight rows × 8 activation rows per tile, no horizontal sums.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// y[j, r..r+32] for 8 activation rows j at once. A tile row of 32 weight rows is dequantized and transposed per K chunk
/// into wt[k·32 + r] (16 × 16 register transposes), so per k two vector loads give w[r..r+32, k] and each activation
/// value x[j, k] is one broadcast: 16 fused multiply-adds per 2 loads and 8 broadcasts, 16 accumulators that are stored
/// as vectors (the dot-product tile of <see cref="FloatTile4"/> needs 8 loads per 16 FMAs and 16 horizontal sums). Each
/// lane accumulates its dot product in k order. Requires AVX-512 F.
/// </summary>
internal static unsafe class FloatOuterTile512
{
    /// <summary>Weight rows per tile.</summary>
    public const int Rows = 32;

    /// <summary>Activation rows per tile.</summary>
    public const int Cols = 8;

    /// <summary>Columns (k) per chunk: 32 rows × 512 floats = 64 KiB dequantized, 64 KiB transposed.</summary>
    public const int KChunk = 512;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>The calling thread's scratch: rows (32 × KChunk) then the transposed chunk (KChunk × 32).</summary>
    public static float* Scratch()
    {
        return ThreadBuffer.Get(ref t_scratch, 2 * Rows * KChunk, 0);
    }

    /// <summary>wt[k·32 + r] = rows[r·stride + k] for r &lt; 32 and k &lt; kn (a multiple of 16).</summary>
    public static void Transpose32(float* rows, int stride, int kn, float* wt)
    {
        for (int k0 = 0; k0 < kn; k0 += 16)
        {
            Transpose16<float>((byte*)(rows + k0), stride * sizeof(float), wt + (k0 * Rows));
            Transpose16<float>((byte*)(rows + (16 * stride) + k0), stride * sizeof(float), wt + (k0 * Rows) + 16);
        }
    }

    /// <summary>
    /// As <see cref="Transpose32"/> straight from 32 f16 rows (rowBytes apart), converting exactly on the way: through the
    /// assembled <see cref="HalfTranspose512"/> where it runs (the same bits, fewer instructions), else in vectors.
    /// </summary>
    public static void Transpose32Half(ushort* rows, nint rowBytes, int kn, float* wt)
    {
        if (HalfTranspose512.Supported)
        {
            HalfTranspose512.Transpose32(rows, rowBytes, kn, wt);
            return;
        }

        Transpose32HalfVector(rows, rowBytes, kn, wt);
    }

    /// <summary><see cref="Transpose32Half"/> in vectors (the reference of the assembled routine).</summary>
    internal static void Transpose32HalfVector(ushort* rows, nint rowBytes, int kn, float* wt)
    {
        for (int k0 = 0; k0 < kn; k0 += 16)
        {
            Transpose16<ushort>((byte*)(rows + k0), rowBytes, wt + (k0 * Rows));
            Transpose16<ushort>((byte*)(rows + k0) + (16 * rowBytes), rowBytes, wt + (k0 * Rows) + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load16<T>(byte* p) where T : unmanaged =>
        typeof(T) == typeof(ushort) ? FloatDots.LoadHalf16((ushort*)p) : Vector512.Load((float*)p);

    /// <summary>dst[c·32 + i] = element c of row i (rows stride bytes apart, f32 or f16) for i, c &lt; 16 (64 shuffles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose16<T>(byte* src, nint stride, float* dst) where T : unmanaged
    {
        // 32-bit interleave of row pairs, then 64-bit interleave: u[4i + m] lane L holds column 4L + m of rows 4i..4i+3.
        Vector512<float>* u = stackalloc Vector512<float>[16];
        for (int i = 0; i < 4; i++)
        {
            byte* p = src + (4 * i * stride);
            Vector512<float> a = Load16<T>(p), b = Load16<T>(p + stride);
            Vector512<float> c = Load16<T>(p + (2 * stride)), d = Load16<T>(p + (3 * stride));
            Vector512<double> t0 = Avx512F.UnpackLow(a, b).AsDouble(), t1 = Avx512F.UnpackHigh(a, b).AsDouble();
            Vector512<double> t2 = Avx512F.UnpackLow(c, d).AsDouble(), t3 = Avx512F.UnpackHigh(c, d).AsDouble();
            u[(4 * i) + 0] = Avx512F.UnpackLow(t0, t2).AsSingle();
            u[(4 * i) + 1] = Avx512F.UnpackHigh(t0, t2).AsSingle();
            u[(4 * i) + 2] = Avx512F.UnpackLow(t1, t3).AsSingle();
            u[(4 * i) + 3] = Avx512F.UnpackHigh(t1, t3).AsSingle();
        }

        // 4 × 4 transpose of 128-bit lanes across the row groups: column 4L + m = [u[m].L, u[4+m].L, u[8+m].L, u[12+m].L].
        for (int m = 0; m < 4; m++)
        {
            Vector512<float> v0 = Avx512F.Shuffle4x128(u[m], u[4 + m], 0x44), v1 = Avx512F.Shuffle4x128(u[m], u[4 + m], 0xEE);
            Vector512<float> v2 = Avx512F.Shuffle4x128(u[8 + m], u[12 + m], 0x44), v3 = Avx512F.Shuffle4x128(u[8 + m], u[12 + m], 0xEE);
            Avx512F.Shuffle4x128(v0, v2, 0x88).Store(dst + ((0 + m) * Rows));
            Avx512F.Shuffle4x128(v0, v2, 0xDD).Store(dst + ((4 + m) * Rows));
            Avx512F.Shuffle4x128(v1, v3, 0x88).Store(dst + ((8 + m) * Rows));
            Avx512F.Shuffle4x128(v1, v3, 0xDD).Store(dst + ((12 + m) * Rows));
        }
    }

    /// <summary>
    /// y[j·yStride + r] (+)= Σ_{k &lt; kn} wt[k·32 + r] · x[j·xStride + k] for r &lt; 32 and j &lt; 8; the first chunk
    /// stores, later ones add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(float* wt, float* x, nint xStride, int kn, float* y, nint yStride, bool accumulate)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        float* x0 = x, x1 = x + xStride, x2 = x + (2 * xStride), x3 = x + (3 * xStride);
        float* x4 = x + (4 * xStride), x5 = x + (5 * xStride), x6 = x + (6 * xStride), x7 = x + (7 * xStride);
        for (int k = 0; k < kn; k++)
        {
            float* p = wt + (k * Rows);
            Vector512<float> w0 = Vector512.Load(p);
            Vector512<float> w1 = Vector512.Load(p + 16);
            Vector512<float> v = Vector512.Create(x0[k]);
            a0 = Vector512.FusedMultiplyAdd(v, w0, a0);
            b0 = Vector512.FusedMultiplyAdd(v, w1, b0);
            v = Vector512.Create(x1[k]);
            a1 = Vector512.FusedMultiplyAdd(v, w0, a1);
            b1 = Vector512.FusedMultiplyAdd(v, w1, b1);
            v = Vector512.Create(x2[k]);
            a2 = Vector512.FusedMultiplyAdd(v, w0, a2);
            b2 = Vector512.FusedMultiplyAdd(v, w1, b2);
            v = Vector512.Create(x3[k]);
            a3 = Vector512.FusedMultiplyAdd(v, w0, a3);
            b3 = Vector512.FusedMultiplyAdd(v, w1, b3);
            v = Vector512.Create(x4[k]);
            a4 = Vector512.FusedMultiplyAdd(v, w0, a4);
            b4 = Vector512.FusedMultiplyAdd(v, w1, b4);
            v = Vector512.Create(x5[k]);
            a5 = Vector512.FusedMultiplyAdd(v, w0, a5);
            b5 = Vector512.FusedMultiplyAdd(v, w1, b5);
            v = Vector512.Create(x6[k]);
            a6 = Vector512.FusedMultiplyAdd(v, w0, a6);
            b6 = Vector512.FusedMultiplyAdd(v, w1, b6);
            v = Vector512.Create(x7[k]);
            a7 = Vector512.FusedMultiplyAdd(v, w0, a7);
            b7 = Vector512.FusedMultiplyAdd(v, w1, b7);
        }

        Put(y, a0, b0, accumulate);
        Put(y + yStride, a1, b1, accumulate);
        Put(y + (2 * yStride), a2, b2, accumulate);
        Put(y + (3 * yStride), a3, b3, accumulate);
        Put(y + (4 * yStride), a4, b4, accumulate);
        Put(y + (5 * yStride), a5, b5, accumulate);
        Put(y + (6 * yStride), a6, b6, accumulate);
        Put(y + (7 * yStride), a7, b7, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* y, Vector512<float> a, Vector512<float> b, bool accumulate)
    {
        if (accumulate)
        {
            a += Vector512.Load(y);
            b += Vector512.Load(y + 16);
        }

        a.Store(y);
        b.Store(y + 16);
    }
}
