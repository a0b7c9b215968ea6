// Q8_0 micro-kernels over prepared activations and packed weights: 4 weight rows × 4 activation rows, two blocks per step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// The 4 × 4 tile of <see cref="IntTile512.Q8_0"/> with the per-step operand shuffling moved out of the tile. The
/// element-order tile interleaves the 32-bit groups of two blocks, takes |w| and the sign mask of every weight step, and
/// interleaves and negates every activation step, once per 4 × 4 tile; here the activation rows are prepared once per
/// product ([v | −v] per step and f32 scales) and the weights are packed (interleaved, f32 scales: at load, or per tile
/// row), so a step is loads, |w|, one masked blend per pair (−v where w &lt; 0), the byte and word products, a convert
/// and one fused multiply-add. Block sums are exact int32. Requires AVX-512 F/BW; nb even.
/// </summary>
/// <remarks>
/// Prepared activation row: [V: 64 B per step | NV: 64 B per step | D: f32 pair per step]. Packed weights: see
/// <see cref="Pack"/>. A step covers blocks 2s and 2s + 1 with even int32 lanes from block 2s and odd ones from block 2s + 1.
/// </remarks>
internal static unsafe class Q8Tile512
{
    /// <summary>True where the kernel runs: AVX-512 and an even, nonzero block count.</summary>
    public static bool Applies(int cols) => KernelIsa.Use512 && cols >= 64 && (cols / 32) % 2 == 0;

    /// <summary>Prepared bytes of one activation row: 136 per step.</summary>
    public static int RowBytes(int cols) => cols / 64 * 136;

    /// <summary>Prepares n Q8_0 activation rows (stride srcRowBytes) into dst (stride <see cref="RowBytes"/>).</summary>
    public static void Prepare(byte* src, nint srcRowBytes, int n, int cols, byte* dst)
    {
        int steps = cols / 64;
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        for (int j = 0; j < n; j++)
        {
            byte* x = src + (j * srcRowBytes);
            byte* d = dst + ((nint)j * RowBytes(cols));
            byte* second = d + (steps * 64);
            float* scales = (float*)(d + (steps * 128));
            for (int s = 0; s < steps; s++, x += 68)
            {
                Vector512<sbyte> v = Avx512F.PermuteVar16x32x2(
                    Vector256.Load<int>((int*)(x + 2)).ToVector512Unsafe(), idx, Vector256.Load<int>((int*)(x + 36)).ToVector512Unsafe()).AsSByte();
                v.Store((sbyte*)(d + (s * 64)));
                (Vector512<sbyte>.Zero - v).Store((sbyte*)(second + (s * 64)));

                scales[2 * s] = HalfScale.Read(x);
                scales[(2 * s) + 1] = HalfScale.Read(x + 34);
            }
        }
    }

    /// <summary>Bytes of a packed matrix (<see cref="Pack"/>): 64 quant bytes and two f32 scales per row and step.</summary>
    public static long PackedBytes(int rows, int cols) => (long)rows * (cols / 64) * 72;

    /// <summary>
    /// Packs Q8_0 rows [r0, r1) of a rows × cols matrix (raw rows rowBytes apart) into dst, laid out for
    /// <see cref="TilePacked"/> and <see cref="DotPacked"/>: the quants of row r, step s at dst + (r·steps + s)·64, the
    /// two blocks' 32-bit groups interleaved as <see cref="Prepare"/> interleaves them, then all scales as f32 pairs, row r
    /// step s at dst + rows·steps·64 + (r·steps + s)·8. A step then needs one aligned load and no shuffle.
    /// </summary>
    public static void Pack(byte* raw, nint rowBytes, int rows, int cols, int r0, int r1, byte* dst)
    {
        int steps = cols / 64;
        float* scales = (float*)(dst + ((long)rows * steps * 64));
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        for (int r = r0; r < r1; r++)
        {
            byte* x = raw + (r * rowBytes);
            byte* q = dst + ((long)r * steps * 64);
            float* d = scales + ((long)r * steps * 2);
            for (int s = 0; s < steps; s++, x += 68)
            {
                Avx512F.PermuteVar16x32x2(
                    Vector256.Load<int>((int*)(x + 2)).ToVector512Unsafe(), idx, Vector256.Load<int>((int*)(x + 36)).ToVector512Unsafe()).Store((int*)(q + (s * 64)));
                d[2 * s] = HalfScale.Read(x);
                d[(2 * s) + 1] = HalfScale.Read(x + 34);
            }
        }
    }

    /// <summary>
    /// y[j·yStride + t] = Σ w_t · x_j over 4 packed weight rows (<see cref="Pack"/>) and 4 prepared activation rows: w
    /// points at the tile's first row's quants, ws at its scales; the rows are qStride bytes and sStride floats apart.
    /// |w| is taken in the loop (one vpabsb per row and step).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TilePacked(byte* w, float* ws, nint qStride, nint sStride, byte* x, nint rowBytes, int steps, float* y, nint yStride)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<short> ones = Vector512.Create((short)1);
        nint second = steps * 64;
        nint scale = steps * 128;
        byte* w1 = w + qStride, w2 = w + (2 * qStride), w3 = w + (3 * qStride);
        float* ws1 = ws + sStride, ws2 = ws + (2 * sStride), ws3 = ws + (3 * sStride);
        byte* x1 = x + rowBytes, x2 = x + (2 * rowBytes), x3 = x + (3 * rowBytes);
        for (int s = 0; s < steps; s++)
        {
            nint o = s * 64;
            nint so = scale + (s * 8);
            Vector512<sbyte> m0 = Vector512.Load((sbyte*)(w + o)), m1 = Vector512.Load((sbyte*)(w1 + o));
            Vector512<sbyte> m2 = Vector512.Load((sbyte*)(w2 + o)), m3 = Vector512.Load((sbyte*)(w3 + o));
            Vector512<byte> a0 = Avx512BW.Abs(m0), a1 = Avx512BW.Abs(m1), a2 = Avx512BW.Abs(m2), a3 = Avx512BW.Abs(m3);
            Vector512<float> s0 = Pair((byte*)(ws + (2 * s))), s1 = Pair((byte*)(ws1 + (2 * s)));
            Vector512<float> s2 = Pair((byte*)(ws2 + (2 * s))), s3 = Pair((byte*)(ws3 + (2 * s)));

            Vector512<sbyte> v = Vector512.Load((sbyte*)(x + o));
            Vector512<sbyte> nv = Vector512.Load((sbyte*)(x + second + o));
            Vector512<float> sx = Pair(x + so);
            c00 = Dot(a0, m0, v, nv, s0 * sx, ones, c00);
            c10 = Dot(a1, m1, v, nv, s1 * sx, ones, c10);
            c20 = Dot(a2, m2, v, nv, s2 * sx, ones, c20);
            c30 = Dot(a3, m3, v, nv, s3 * sx, ones, c30);

            v = Vector512.Load((sbyte*)(x1 + o));
            nv = Vector512.Load((sbyte*)(x1 + second + o));
            sx = Pair(x1 + so);
            c01 = Dot(a0, m0, v, nv, s0 * sx, ones, c01);
            c11 = Dot(a1, m1, v, nv, s1 * sx, ones, c11);
            c21 = Dot(a2, m2, v, nv, s2 * sx, ones, c21);
            c31 = Dot(a3, m3, v, nv, s3 * sx, ones, c31);

            v = Vector512.Load((sbyte*)(x2 + o));
            nv = Vector512.Load((sbyte*)(x2 + second + o));
            sx = Pair(x2 + so);
            c02 = Dot(a0, m0, v, nv, s0 * sx, ones, c02);
            c12 = Dot(a1, m1, v, nv, s1 * sx, ones, c12);
            c22 = Dot(a2, m2, v, nv, s2 * sx, ones, c22);
            c32 = Dot(a3, m3, v, nv, s3 * sx, ones, c32);

            v = Vector512.Load((sbyte*)(x3 + o));
            nv = Vector512.Load((sbyte*)(x3 + second + o));
            sx = Pair(x3 + so);
            c03 = Dot(a0, m0, v, nv, s0 * sx, ones, c03);
            c13 = Dot(a1, m1, v, nv, s1 * sx, ones, c13);
            c23 = Dot(a2, m2, v, nv, s2 * sx, ones, c23);
            c33 = Dot(a3, m3, v, nv, s3 * sx, ones, c33);
        }

        Reduce512.StoreTile(y, yStride, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
    }

    /// <summary>
    /// One packed weight row (quants at w, f32 scale pairs at ws) · one prepared activation row, with exactly the
    /// arithmetic of an element of <see cref="TilePacked"/> (as <see cref="DotRaw"/>, without the
    /// per-step shuffle and scale conversion).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotPacked(byte* w, float* ws, byte* x, int cols)
    {
        int steps = cols / 64;
        nint second = steps * 64;
        float* xs = (float*)(x + (steps * 128));
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<float> acc = default;
        float* prod = stackalloc float[16];
        int s = 0;
        for (; s + 8 <= steps; s += 8, w += 8 * 64)
        {
            // The 16 products dw_b · dx_b at once: the same scalar products the tile forms pairwise.
            (Vector512.Load(ws + (2 * s)) * Vector512.Load(xs + (2 * s))).Store(prod);
            for (int k = 0; k < 8; k++)
            {
                acc = StepPacked(w + (k * 64), x + ((s + k) * 64), second, Pair((byte*)(prod + (2 * k))), ones, acc);
            }
        }

        for (; s < steps; s++, w += 64)
        {
            acc = StepPacked(w, x + (s * 64), second, Pair((byte*)(ws + (2 * s))) * Pair((byte*)(xs + (2 * s))), ones, acc);
        }

        return Reduce512.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StepPacked(byte* w, byte* x, nint second, Vector512<float> scale, Vector512<short> ones, Vector512<float> acc)
    {
        Vector512<sbyte> q = Vector512.Load((sbyte*)w);
        return Dot(Avx512BW.Abs(q), q, Vector512.Load((sbyte*)x), Vector512.Load((sbyte*)(x + second)), scale, ones, acc);
    }

    /// <summary>
    /// One raw Q8_0 weight row (cols/32 blocks of 34 bytes) · one prepared activation row, with exactly the arithmetic
    /// of an element of <see cref="TilePacked"/>: the same interleaved lanes, the same scale products, one accumulator and the
    /// same reduction tree (<see cref="Reduce512.Sum"/> sums a vector as <see cref="Reduce512.Sum4x4"/> sums each of
    /// its arguments). A row's result is therefore bit-identical whether it is computed alone (decode) or inside a
    /// tile of a batch, which makes greedy output independent of batching. The weight scales are converted 16 at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotRaw(byte* w, byte* x, int cols)
    {
        int steps = cols / 64;
        nint second = steps * 64;
        float* xs = (float*)(x + (steps * 128));
        Vector512<int> idx = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<float> acc = default;
        float* ws = stackalloc float[16];
        int s = 0;
        for (; s + 8 <= steps; s += 8, w += 8 * 68)
        {
            // The 16 products dw_b · dx_b at once: the same scalar products the tile forms pairwise.
            (HalfScales512.Stride34(w) * Vector512.Load(xs + (2 * s))).Store(ws);
            for (int k = 0; k < 8; k++)
            {
                acc = StepRaw(w + (k * 68), x + ((s + k) * 64), second, Pair((byte*)(ws + (2 * k))), idx, ones, acc);
            }
        }

        for (; s < steps; s++, w += 68)
        {
            ws[0] = HalfScale.Read(w);
            ws[1] = HalfScale.Read(w + 34);
            acc = StepRaw(w, x + (s * 64), second, Pair((byte*)ws) * Pair((byte*)(xs + (2 * s))), idx, ones, acc);
        }

        return Reduce512.Sum(acc);
    }

    /// <summary>One step of <see cref="DotRaw"/>: raw blocks at w and w + 34 interleaved as the tile's prepared weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StepRaw(byte* w, byte* x, nint second, Vector512<float> scale, Vector512<int> idx, Vector512<short> ones,
        Vector512<float> acc)
    {
        Vector512<sbyte> q = Avx512F.PermuteVar16x32x2(
            Vector256.Load<int>((int*)(w + 2)).ToVector512Unsafe(), idx, Vector256.Load<int>((int*)(w + 36)).ToVector512Unsafe()).AsSByte();
        return Dot(Avx512BW.Abs(q), q, Vector512.Load((sbyte*)x), Vector512.Load((sbyte*)(x + second)), scale, ones, acc);
    }

    /// <summary>[d_2s, d_2s+1] × 8 interleaved: one 64-bit broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(byte* d) => Vector512.Create(*(double*)d).AsSingle();

    /// <summary>acc + s · Σ |w|·(±v) per lane: −v where w is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Dot(Vector512<byte> a, Vector512<sbyte> w, Vector512<sbyte> v, Vector512<sbyte> nv,
        Vector512<float> s, Vector512<short> ones, Vector512<float> acc)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(a, Avx512BW.BlendVariable(v, nv, w));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Avx512BW.MultiplyAddAdjacent(p, ones)), s, acc);
    }
}
