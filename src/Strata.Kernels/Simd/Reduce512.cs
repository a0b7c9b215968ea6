// Transposing horizontal sums: 16 accumulators reduced to one vector of their 16 totals with 45 shuffles and adds.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Sums of a 4 × 4 tile of accumulators at once, instead of 16 separate horizontal sums (about 26 instructions each).
/// Requires AVX-512 F.
/// </summary>
internal static class Reduce512
{
    /// <summary>
    /// Lane 4·j + t of the result is the horizontal sum of a{j}{t}: the accumulators are given grouped by t (a0t, a1t,
    /// a2t, a3t for t = 0..3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sum4x4(
        Vector512<float> a00, Vector512<float> a10, Vector512<float> a20, Vector512<float> a30,
        Vector512<float> a01, Vector512<float> a11, Vector512<float> a21, Vector512<float> a31,
        Vector512<float> a02, Vector512<float> a12, Vector512<float> a22, Vector512<float> a32,
        Vector512<float> a03, Vector512<float> a13, Vector512<float> a23, Vector512<float> a33)
    {
        Vector512<float> t0 = Quad(a00, a10, a20, a30);
        Vector512<float> t1 = Quad(a01, a11, a21, a31);
        Vector512<float> t2 = Quad(a02, a12, a22, a32);
        Vector512<float> t3 = Quad(a03, a13, a23, a33);

        // 128-bit lane k of tg holds four partials of a{k}{g}.
        Vector512<float> u = Avx512F.UnpackLow(t0, t1) + Avx512F.UnpackHigh(t0, t1);
        Vector512<float> v = Avx512F.UnpackLow(t2, t3) + Avx512F.UnpackHigh(t2, t3);
        return Avx512F.Shuffle(u, v, 0x44) + Avx512F.Shuffle(u, v, 0xEE);
    }

    /// <summary>128-bit lane k of the result holds four partial sums of the k-th argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<float> ab = Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);
        Vector512<float> cd = Avx512F.Shuffle4x128(c, d, 0x44) + Avx512F.Shuffle4x128(c, d, 0xEE);
        return Avx512F.Shuffle4x128(ab, cd, 0x88) + Avx512F.Shuffle4x128(ab, cd, 0xDD);
    }

    /// <summary>Horizontal sum in 7 instructions (halving, then two in-lane folds); the order differs from Vector512.Sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v)
    {
        Vector256<float> h = v.GetLower() + v.GetUpper();
        Vector128<float> q = h.GetLower() + h.GetUpper();
        q += Sse.Shuffle(q, q, 0x4E);
        q += Sse.Shuffle(q, q, 0xB1);
        return q.ToScalar();
    }

    /// <summary>
    /// y[j·yStride + t] = Σ c{t}{j} for the 16 accumulators of a 4 × 4 tile (c{t}{j}: weight row t, activation row j),
    /// given grouped by weight row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreTile(float* y, nint yStride,
        Vector512<float> c00, Vector512<float> c01, Vector512<float> c02, Vector512<float> c03,
        Vector512<float> c10, Vector512<float> c11, Vector512<float> c12, Vector512<float> c13,
        Vector512<float> c20, Vector512<float> c21, Vector512<float> c22, Vector512<float> c23,
        Vector512<float> c30, Vector512<float> c31, Vector512<float> c32, Vector512<float> c33)
    {
        // Lane 4·j + t of the sums is the total of c{t}{j}.
        Vector512<float> r = Sum4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
        r.GetLower().GetLower().Store(y);
        r.GetLower().GetUpper().Store(y + yStride);
        r.GetUpper().GetLower().Store(y + (2 * yStride));
        r.GetUpper().GetUpper().Store(y + (3 * yStride));
    }

    /// <summary>[Σ a, Σ b, Σ a, Σ b] for a (16 int32) and b (8 int32), exact (two horizontal adds shared by both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SumPairVector(Vector512<int> a, Vector256<int> b)
    {
        Vector256<int> p = Avx2.HorizontalAdd(a.GetLower() + a.GetUpper(), b);
        Vector128<int> q = p.GetLower() + p.GetUpper();
        return Ssse3.HorizontalAdd(q, q);
    }

    /// <summary>The lane sums of a (16 int32) and b (8 int32) at once, exact (two horizontal adds shared by both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int A, int B) SumPair(Vector512<int> a, Vector256<int> b)
    {
        Vector256<int> p = Avx2.HorizontalAdd(a.GetLower() + a.GetUpper(), b);
        Vector128<int> q = p.GetLower() + p.GetUpper();
        q = Ssse3.HorizontalAdd(q, q);
        return (q.ToScalar(), q.GetElement(1));
    }

    /// <summary>v with lanes count..15 set to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepFirst(Vector512<float> v, int count) => Vector512.ConditionalSelect(
        Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count)).AsSingle(),
        v, Vector512<float>.Zero);
}
