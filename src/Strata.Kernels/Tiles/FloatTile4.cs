// Register-tiled f32 micro-kernel for prefill: four weight rows against four activation rows at once.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>4 × 4 block of dot products: 16 accumulators, 8 loads per 16 fused multiply-adds.</summary>
internal static unsafe class FloatTile4
{
    /// <summary>
    /// r[4·j + t] += Σ_k w[t·wStride + k] · x[j·xStride + k] for t, j in 0..4 and k in 0..n (results added, not stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4(float* w, nint wStride, float* x, nint xStride, int n, float* r)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            i = Tile512(w, wStride, x, xStride, n, r);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            i = Tile256(w, wStride, x, xStride, n, r);
        }

        for (; i < n; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                float xv = x[(j * xStride) + i];
                for (int t = 0; t < 4; t++)
                {
                    r[(4 * j) + t] += w[(t * wStride) + i] * xv;
                }
            }
        }
    }

    private static int Tile512(float* w, nint ws, float* x, nint xs, int n, float* r)
    {
        var a00 = Vector512<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        float* w0 = w, w1 = w + ws, w2 = w + (2 * ws), w3 = w + (3 * ws);
        float* x0 = x, x1 = x + xs, x2 = x + (2 * xs), x3 = x + (3 * xs);
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            var v0 = Vector512.Load(w0 + i);
            var v1 = Vector512.Load(w1 + i);
            var v2 = Vector512.Load(w2 + i);
            var v3 = Vector512.Load(w3 + i);
            var u = Vector512.Load(x0 + i);
            a00 = Vector512.FusedMultiplyAdd(v0, u, a00);
            a01 = Vector512.FusedMultiplyAdd(v1, u, a01);
            a02 = Vector512.FusedMultiplyAdd(v2, u, a02);
            a03 = Vector512.FusedMultiplyAdd(v3, u, a03);
            u = Vector512.Load(x1 + i);
            a10 = Vector512.FusedMultiplyAdd(v0, u, a10);
            a11 = Vector512.FusedMultiplyAdd(v1, u, a11);
            a12 = Vector512.FusedMultiplyAdd(v2, u, a12);
            a13 = Vector512.FusedMultiplyAdd(v3, u, a13);
            u = Vector512.Load(x2 + i);
            a20 = Vector512.FusedMultiplyAdd(v0, u, a20);
            a21 = Vector512.FusedMultiplyAdd(v1, u, a21);
            a22 = Vector512.FusedMultiplyAdd(v2, u, a22);
            a23 = Vector512.FusedMultiplyAdd(v3, u, a23);
            u = Vector512.Load(x3 + i);
            a30 = Vector512.FusedMultiplyAdd(v0, u, a30);
            a31 = Vector512.FusedMultiplyAdd(v1, u, a31);
            a32 = Vector512.FusedMultiplyAdd(v2, u, a32);
            a33 = Vector512.FusedMultiplyAdd(v3, u, a33);
        }

        if (Avx512F.IsSupported)
        {
            // Lane 4·j + t is a{j}{t}: one load, add and store for the 16 results.
            Vector512<float> sums = Reduce512.Sum4x4(a00, a10, a20, a30, a01, a11, a21, a31, a02, a12, a22, a32, a03, a13, a23, a33);
            (Vector512.Load(r) + sums).Store(r);
            return i;
        }

        r[0] += Reduce512.Sum(a00); r[1] += Reduce512.Sum(a01); r[2] += Reduce512.Sum(a02); r[3] += Reduce512.Sum(a03);
        r[4] += Reduce512.Sum(a10); r[5] += Reduce512.Sum(a11); r[6] += Reduce512.Sum(a12); r[7] += Reduce512.Sum(a13);
        r[8] += Reduce512.Sum(a20); r[9] += Reduce512.Sum(a21); r[10] += Reduce512.Sum(a22); r[11] += Reduce512.Sum(a23);
        r[12] += Reduce512.Sum(a30); r[13] += Reduce512.Sum(a31); r[14] += Reduce512.Sum(a32); r[15] += Reduce512.Sum(a33);
        return i;
    }

    private static int Tile256(float* w, nint ws, float* x, nint xs, int n, float* r)
    {
        var a00 = Vector256<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        float* w0 = w, w1 = w + ws, w2 = w + (2 * ws), w3 = w + (3 * ws);
        float* x0 = x, x1 = x + xs, x2 = x + (2 * xs), x3 = x + (3 * xs);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v0 = Vector256.Load(w0 + i);
            var v1 = Vector256.Load(w1 + i);
            var v2 = Vector256.Load(w2 + i);
            var v3 = Vector256.Load(w3 + i);
            var u = Vector256.Load(x0 + i);
            a00 = Vector256.FusedMultiplyAdd(v0, u, a00);
            a01 = Vector256.FusedMultiplyAdd(v1, u, a01);
            a02 = Vector256.FusedMultiplyAdd(v2, u, a02);
            a03 = Vector256.FusedMultiplyAdd(v3, u, a03);
            u = Vector256.Load(x1 + i);
            a10 = Vector256.FusedMultiplyAdd(v0, u, a10);
            a11 = Vector256.FusedMultiplyAdd(v1, u, a11);
            a12 = Vector256.FusedMultiplyAdd(v2, u, a12);
            a13 = Vector256.FusedMultiplyAdd(v3, u, a13);
            u = Vector256.Load(x2 + i);
            a20 = Vector256.FusedMultiplyAdd(v0, u, a20);
            a21 = Vector256.FusedMultiplyAdd(v1, u, a21);
            a22 = Vector256.FusedMultiplyAdd(v2, u, a22);
            a23 = Vector256.FusedMultiplyAdd(v3, u, a23);
            u = Vector256.Load(x3 + i);
            a30 = Vector256.FusedMultiplyAdd(v0, u, a30);
            a31 = Vector256.FusedMultiplyAdd(v1, u, a31);
            a32 = Vector256.FusedMultiplyAdd(v2, u, a32);
            a33 = Vector256.FusedMultiplyAdd(v3, u, a33);
        }

        r[0] += Vector256.Sum(a00); r[1] += Vector256.Sum(a01); r[2] += Vector256.Sum(a02); r[3] += Vector256.Sum(a03);
        r[4] += Vector256.Sum(a10); r[5] += Vector256.Sum(a11); r[6] += Vector256.Sum(a12); r[7] += Vector256.Sum(a13);
        r[8] += Vector256.Sum(a20); r[9] += Vector256.Sum(a21); r[10] += Vector256.Sum(a22); r[11] += Vector256.Sum(a23);
        r[12] += Vector256.Sum(a30); r[13] += Vector256.Sum(a31); r[14] += Vector256.Sum(a32); r[15] += Vector256.Sum(a33);
        return i;
    }
}
