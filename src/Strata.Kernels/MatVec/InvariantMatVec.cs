// Batch-invariant matrix-vector: the 4-row tile's arithmetic with the weights dequantized in registers.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// <see cref="FloatDots.Dot4Add"/> over four quantized rows, each 16-weight group dequantized in registers instead of
/// into a scratch chunk first. The weights take exactly the values <see cref="DequantDispatch.Dequantize"/> stores (Q8_0
/// and Q4_0 products are exact in f32; Q4_K table entries, Q6_K values and the other types' block decoders compute each
/// value as the decoder does), and the chains and reduction are Dot4Add's, so a result is bit-identical to the batched tile's
/// (<see cref="MatMulJob"/>'s batch-invariant path). One activation row stops paying the chunk's 8 KiB of stores and
/// reloads. SmolLM-135M Q8_0 one-row decode went from 15.9 to 9.6 ms (7.7 without invariance), TinyLlama Q4_K_M from
/// 136 to 62 ms (52 without). Q4_K and Q6_K form a super-block's scale products vectorwise; unpacking them one scalar
/// at a time per sub-block had held TinyLlama at 96 ms.
/// </summary>
[SkipLocalsInit] // the scale scratch is written before it is read; no zeroing per chunk on the decode path
internal static unsafe class InvariantMatVec
{
    /// <summary>Most columns the kernels take at once: MatMulJob's longest chunk.</summary>
    public const int MaxColumns = MatMulJob.MaxChunk;

    private const int MaxBlocks = MaxColumns / 32;

    /// <summary>True where <see cref="Add"/> computes type: AVX-512 and a quantized type with a block decoder.</summary>
    public static bool Applies(GgmlType type) => KernelIsa.Use512 && type is GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_1
        or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;

    /// <summary>
    /// r[t] += Σ_k dequant(row t)[k] · x[k] for the four rows at w, rowBytes apart, over n ≤ <see cref="MaxColumns"/>
    /// columns (a block multiple) from block 0: one 16-lane chain per row in column order, reduced by
    /// <see cref="Reduce512.Sum"/>, exactly as Dot4Add.
    /// </summary>
    public static void Add(GgmlType type, byte* w, nint rowBytes, float* x, int n, float* r)
    {
        switch (type)
        {
            case GgmlType.Q4_1:
                Chains<Q4_1Decoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q5_0:
                Chains<Q5_0Decoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q5_1:
                Chains<Q5_1Decoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q2_K:
                Chains<Q2KDecoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q3_K:
                Chains<Q3KDecoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q4_K:
                Q4K(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q5_K:
                Chains<Q5KDecoder>(w, rowBytes, x, n, r);
                return;
            case GgmlType.Q6_K:
                Q6K(w, rowBytes, x, n, r);
                return;
        }

        // The block scales first, 16 at a time where the chunk allows, which also touches every cache line of the four
        // rows' chunks up front (a scalar conversion per block in the loop ran 2.5× slower on the 28 MB output matrix,
        // whose rows come from DRAM).
        float* sc = stackalloc float[4 * MaxBlocks];
        int blockBytes = type == GgmlType.Q8_0 ? 34 : 18;
        int blocks = n / 32;
        for (int t = 0; t < 4; t++)
        {
            byte* row = w + (t * rowBytes);
            float* d = sc + (t * MaxBlocks);
            int b = 0;
            for (; b + 16 <= blocks; b += 16)
            {
                byte* p = row + (b * blockBytes);
                (type == GgmlType.Q8_0 ? HalfScales512.Stride34(p) : HalfScales512.Stride18(p)).Store(d + b);
            }

            for (; b < blocks; b++)
            {
                d[b] = HalfScale.Read(row + (b * blockBytes));
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

    /// <summary>True where <see cref="AddRow"/> computes type (Q8_0 and Q4_0 under AVX-512).</summary>
    public static bool AppliesToRow(GgmlType type) => KernelIsa.Use512 && type is GgmlType.Q8_0 or GgmlType.Q4_0;

    /// <summary>
    /// r[0] += Σ_k dequant(row)[k] · x[k] over n ≤ <see cref="MaxColumns"/> columns of one Q8_0 or Q4_0 row: the chain of
    /// one row of <see cref="Add"/>, alone. Rows longer than a chunk stream from memory one at a time this way: the
    /// four-row interleave read TinyLlama's 68 MB Q8_0 output matrix at 13 GB/s (5.0 ms against 2.6 without invariance),
    /// one row at a time at 24 GB/s (2.8 ms). The scales are read as the loop reaches them, which streamed better than
    /// converting a chunk's sixteen at a time first (3.5 ms).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRow(GgmlType type, byte* row, float* x, int n, float* r)
    {
        Vector512<float> s = Vector512<float>.Zero;
        if (type == GgmlType.Q8_0)
        {
            for (int i = 0; i < n; i += 32, row += 34)
            {
                Vector512<float> d = Vector512.Create(HalfScale.Read(row));
                s = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(row + 2))) * d, Vector512.Load(x + i), s);
                s = Vector512.FusedMultiplyAdd(SimdWiden512.I8(Vector128.Load((sbyte*)(row + 18))) * d, Vector512.Load(x + i + 16), s);
            }
        }
        else
        {
            Vector512<float> eight = Vector512.Create(8f);
            for (int i = 0; i < n; i += 32, row += 18)
            {
                Vector256<byte> v = LegacyQuantDequant.Nibbles(row + 2);
                Vector512<float> d = Vector512.Create(HalfScale.Read(row));
                s = Vector512.FusedMultiplyAdd((SimdWiden512.U8(v.GetLower()) - eight) * d, Vector512.Load(x + i), s);
                s = Vector512.FusedMultiplyAdd((SimdWiden512.U8(v.GetUpper()) - eight) * d, Vector512.Load(x + i + 16), s);
            }
        }

        r[0] += Reduce512.Sum(s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q8_0(byte* w, nint rowBytes, float* x, int n, float* sc, float* r)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        byte* b0 = w + 2, b1 = b0 + rowBytes, b2 = b0 + (2 * rowBytes), b3 = b0 + (3 * rowBytes);
        for (int i = 0, k = 0; i < n; i += 32, k++, b0 += 34, b1 += 34, b2 += 34, b3 += 34)
        {
            Vector512<float> lo = Vector512.Load(x + i), hi = Vector512.Load(x + i + 16);
            Vector512<float> d0 = Vector512.Create(sc[k]), d1 = Vector512.Create(sc[MaxBlocks + k]);
            Vector512<float> d2 = Vector512.Create(sc[(2 * MaxBlocks) + k]), d3 = Vector512.Create(sc[(3 * MaxBlocks) + k]);
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
            Vector256<byte> q0 = LegacyQuantDequant.Nibbles(b0), q1 = LegacyQuantDequant.Nibbles(b1);
            Vector256<byte> q2 = LegacyQuantDequant.Nibbles(b2), q3 = LegacyQuantDequant.Nibbles(b3);
            Vector512<float> d0 = Vector512.Create(sc[k]), d1 = Vector512.Create(sc[MaxBlocks + k]);
            Vector512<float> d2 = Vector512.Create(sc[(2 * MaxBlocks) + k]), d3 = Vector512.Create(sc[(3 * MaxBlocks) + k]);
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

    /// <summary>
    /// Q4_K by table: a sub-block's 16 possible values (d·sc·q − dmin·m for q = 0…15, each computed as the decoder
    /// computes it) form one vector, and each 16 weights are a permute of it by their nibbles, in place of a convert, a
    /// multiply and a subtract per 16. A super-block's eight d·sc and dmin·m products are formed eight at a time (the
    /// same IEEE products the decoder forms one by one) from the 6-bit fields unpacked with ggml's masks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q4K(byte* w, nint rowBytes, float* x, int n, float* r)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        Vector512<float> iota = Vector512.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f);
        byte* b0 = w, b1 = w + rowBytes, b2 = w + (2 * rowBytes), b3 = w + (3 * rowBytes);
        PrefetchRows(w, rowBytes, n / 256 * 144);

        // Per row: d·sc for the 8 sub-blocks, then dmin·m for the 8.
        float* f = stackalloc float[4 * 16];
        for (int o = 0; o < n; o += 256, b0 += 144, b1 += 144, b2 += 144, b3 += 144)
        {
            Q4KScales(b0, f);
            Q4KScales(b1, f + 16);
            Q4KScales(b2, f + 32);
            Q4KScales(b3, f + 48);
            for (int j = 0; j < 4; j++)
            {
                float* xj = x + o + (64 * j);
                s0 = Q4KGroup(b0, j, f, xj, iota, s0);
                s1 = Q4KGroup(b1, j, f + 16, xj, iota, s1);
                s2 = Q4KGroup(b2, j, f + 32, xj, iota, s2);
                s3 = Q4KGroup(b3, j, f + 48, xj, iota, s3);
            }
        }

        r[0] += Reduce512.Sum(s0);
        r[1] += Reduce512.Sum(s1);
        r[2] += Reduce512.Sum(s2);
        r[3] += Reduce512.Sum(s3);
    }

    /// <summary>
    /// f[0..8) = d·sc_i and f[8..16) = dmin·m_i of the Q4_K super-block at b: the twelve packed bytes unpacked as ggml's
    /// SIMD kernels do (bytes 0–7 of the result the scales, 8–15 the mins), widened and multiplied eight at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Q4KScales(byte* b, float* f)
    {
        KQuantScales.UnpackK4(b + 4, out uint sc0, out uint sc1, out uint m0, out uint m1);
        Vector128<byte> packed = Vector128.Create(sc0, sc1, m0, m1).AsByte();
        Vector256<int> sc = Avx2.ConvertToVector256Int32(packed);
        Vector256<int> mn = Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(packed, 8));
        (Vector256.ConvertToSingle(sc) * Vector256.Create(HalfScale.Read(b))).Store(f);
        (Vector256.ConvertToSingle(mn) * Vector256.Create(HalfScale.Read(b + 2))).Store(f + 8);
    }

    /// <summary>Elements 64j…64j + 63 of the Q4_K super-block at b into the chain s, in column order; f from <see cref="Q4KScales"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Q4KGroup(byte* b, int j, float* f, float* x, Vector512<float> iota, Vector512<float> s)
    {
        Vector512<float> t1 = (Vector512.Create(f[2 * j]) * iota) - Vector512.Create(f[8 + (2 * j)]);
        Vector512<float> t2 = (Vector512.Create(f[(2 * j) + 1]) * iota) - Vector512.Create(f[9 + (2 * j)]);
        byte* q = b + 16 + (32 * j);
        // vpermps reads the low 4 bits of each index: the low nibble needs no mask, the high one a shift.
        Vector512<int> i0 = Avx512F.ConvertToVector512Int32(Vector128.Load(q));
        Vector512<int> i1 = Avx512F.ConvertToVector512Int32(Vector128.Load(q + 16));
        s = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32(t1, i0), Vector512.Load(x), s);
        s = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32(t1, i1), Vector512.Load(x + 16), s);
        s = Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32(t2, Vector512.ShiftRightLogical(i0, 4)), Vector512.Load(x + 32), s);
        return Vector512.FusedMultiplyAdd(Avx512F.PermuteVar16x32(t2, Vector512.ShiftRightLogical(i1, 4)), Vector512.Load(x + 48), s);
    }

    /// <summary>
    /// Q6_K with a super-block's sixteen d·sc products formed sixteen at a time (the decoder's IEEE products) and q − 32
    /// taken on bytes before the widening (exact, as the decoder's float subtraction is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Q6K(byte* w, nint rowBytes, float* x, int n, float* r)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        byte* b0 = w, b1 = w + rowBytes, b2 = w + (2 * rowBytes), b3 = w + (3 * rowBytes);
        PrefetchRows(w, rowBytes, n / 256 * 210);

        float* f = stackalloc float[4 * 16];
        for (int o = 0; o < n; o += 256, b0 += 210, b1 += 210, b2 += 210, b3 += 210)
        {
            Q6KScales(b0, f);
            Q6KScales(b1, f + 16);
            Q6KScales(b2, f + 32);
            Q6KScales(b3, f + 48);
            for (int h = 0; h < 2; h++)
            {
                for (int k = 0; k < 4; k++)
                {
                    float* xk = x + o + (128 * h) + (32 * k);
                    int si = (8 * h) + (2 * k);
                    s0 = Q6KGroup(b0, h, k, f + si, xk, s0);
                    s1 = Q6KGroup(b1, h, k, f + 16 + si, xk, s1);
                    s2 = Q6KGroup(b2, h, k, f + 32 + si, xk, s2);
                    s3 = Q6KGroup(b3, h, k, f + 48 + si, xk, s3);
                }
            }
        }

        r[0] += Reduce512.Sum(s0);
        r[1] += Reduce512.Sum(s1);
        r[2] += Reduce512.Sum(s2);
        r[3] += Reduce512.Sum(s3);
    }

    /// <summary>f[0..16) = d·sc_i of the Q6_K super-block at b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Q6KScales(byte* b, float* f) =>
        (Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load((sbyte*)(b + 192)))) * Vector512.Create(HalfScale.Read(b + 208)))
            .Store(f);

    /// <summary>Elements 128h + 32k … + 31 of the Q6_K super-block at b into the chain s; d holds their two d·sc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Q6KGroup(byte* b, int h, int k, float* d, float* x, Vector512<float> s)
    {
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> ql = Vector256.Load(b + (64 * h) + (k & 1) * 32);
        Vector256<byte> low = k < 2 ? ql & mask : Vector256.ShiftRightLogical(ql, 4);
        Vector256<byte> high = Vector256.ShiftRightLogical(Vector256.Load(b + 128 + (32 * h)), 2 * k) & Vector256.Create((byte)3);
        Vector256<sbyte> q = ((low | Vector256.ShiftLeft(high, 4)) - Vector256.Create((byte)32)).AsSByte();
        s = Vector512.FusedMultiplyAdd(SimdWiden512.I8(q.GetLower()) * Vector512.Create(d[0]), Vector512.Load(x), s);
        return Vector512.FusedMultiplyAdd(SimdWiden512.I8(q.GetUpper()) * Vector512.Create(d[1]), Vector512.Load(x + 16), s);
    }

    /// <summary>Requests every line of the four rows' first <paramref name="bytes"/> bytes, so their misses overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(byte* w, nint rowBytes, nint bytes)
    {
        for (nint o = 0; o < bytes; o += 64)
        {
            Sse.Prefetch0(w + o);
            Sse.Prefetch0(w + rowBytes + o);
            Sse.Prefetch0(w + (2 * rowBytes) + o);
            Sse.Prefetch0(w + (3 * rowBytes) + o);
        }
    }

    /// <summary>
    /// The other types through their block decoders (the values <see cref="DequantDispatch.Dequantize"/> stores), one
    /// <see cref="ChainSink"/> per row, the four rows' blocks interleaved so their chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains<TDecoder>(byte* w, nint rowBytes, float* x, int n, float* r)
        where TDecoder : struct, IBlockDecoder512
    {
        ChainSink c0 = new() { X = x }, c1 = c0, c2 = c0, c3 = c0;
        byte* b0 = w, b1 = w + rowBytes, b2 = w + (2 * rowBytes), b3 = w + (3 * rowBytes);
        int step = TDecoder.Elements;
        nint bytes = TDecoder.Bytes;
        // Every line of the four rows' chunk requested up front: without it TinyLlama's 54 MB output matrix (Q6_K, from
        // DRAM, when it still came this way) took 15.7 ms against 7.3.
        PrefetchRows(w, rowBytes, n / step * bytes);
        for (int o = 0; o < n; o += step, b0 += bytes, b1 += bytes, b2 += bytes, b3 += bytes)
        {
            TDecoder.Decode(b0, o, ref c0);
            TDecoder.Decode(b1, o, ref c1);
            TDecoder.Decode(b2, o, ref c2);
            TDecoder.Decode(b3, o, ref c3);
        }

        r[0] += Reduce512.Sum(c0.S);
        r[1] += Reduce512.Sum(c1.S);
        r[2] += Reduce512.Sum(c2.S);
        r[3] += Reduce512.Sum(c3.S);
    }

    /// <summary>One row's 16-lane chain: each dequantized group of 16 multiplied into it in column order.</summary>
    private struct ChainSink : IVecSink512
    {
        public float* X;
        public Vector512<float> S;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int index, Vector512<float> v0, Vector512<float> v1)
        {
            S = Vector512.FusedMultiplyAdd(v0, Vector512.Load(X + index), S);
            S = Vector512.FusedMultiplyAdd(v1, Vector512.Load(X + index + 16), S);
        }
    }

    /// <summary>A type's AVX-512 block decoder, for <see cref="Chains{TDecoder}"/>.</summary>
    private interface IBlockDecoder512
    {
        static abstract int Elements { get; }

        static abstract int Bytes { get; }

        static abstract void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512;
    }

    private struct Q4_1Decoder : IBlockDecoder512
    {
        public static int Elements => 32;

        public static int Bytes => 20;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => LegacyQuantDequant512.Q4_1(b, o, ref s);
    }

    private struct Q5_0Decoder : IBlockDecoder512
    {
        public static int Elements => 32;

        public static int Bytes => 22;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => LegacyQuantDequant512.Q5_0(b, o, ref s);
    }

    private struct Q5_1Decoder : IBlockDecoder512
    {
        public static int Elements => 32;

        public static int Bytes => 24;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => LegacyQuantDequant512.Q5_1(b, o, ref s);
    }

    private struct Q2KDecoder : IBlockDecoder512
    {
        public static int Elements => 256;

        public static int Bytes => 84;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => KQuantDequant512.Q2K(b, o, ref s);
    }

    private struct Q3KDecoder : IBlockDecoder512
    {
        public static int Elements => 256;

        public static int Bytes => 110;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => KQuantDequant512.Q3K(b, o, ref s);
    }

    private struct Q5KDecoder : IBlockDecoder512
    {
        public static int Elements => 256;

        public static int Bytes => 176;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Decode<TSink>(byte* b, int o, ref TSink s) where TSink : struct, IVecSink512 => KQuantDequant512.Q5K(b, o, ref s);
    }
}
