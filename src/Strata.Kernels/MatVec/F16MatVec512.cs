// F16 matrix-vector with the half → single rebias folded into the activation row: four ops per 16 weights.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Exact f16 row dots for decode. A half's bits moved into f32 position ((h &lt;&lt; 13) with the sign kept) read as
/// the half's value times 2^−112, exactly, for every finite half (subnormals included). The activation row is shared by
/// every weight row, so it is multiplied by 2^112 once per product; each product w·2^−112 · x·2^112 is then the same real
/// number as w·x and every fused multiply-add rounds exactly as in the plain kernel (bit-identical sums). A weight step is
/// a sign-extending load, a shift, an AND and the FMA, instead of also multiplying and fixing up infinities; a chunk of
/// 32 halves holding an infinity or NaN (exponent all ones) takes the exact conversion instead. The prepared row is used
/// only when every |x| &lt; 2^15 (so x·2^112 stays finite); otherwise the caller keeps the plain kernel. Requires AVX-512 F/BW.
/// </summary>
internal static unsafe class F16MatVec512
{
    private const float Up = 5.192296858534828e33f;   // 2^112
    private const float Down = 1.925929944387236e-34f; // 2^−112

    [ThreadStatic]
    private static float[]? t_row;

    /// <summary>
    /// The row x·2^112 in the calling thread's buffer, or null when some |x| ≥ 2^15 or is not finite (the plain kernel
    /// then runs).
    /// </summary>
    public static float* Prepare(float* x, int n)
    {
        float* d = ThreadBuffer.Get(ref t_row, n, 8192);
        Vector512<float> limit = Vector512.Create(32768f);
        Vector512<float> up = Vector512.Create(Up);
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            Vector512<float> v = Vector512.Load(x + i);

            // NaN compares false, so !(|v| < limit) catches it with the large values.
            if (!Vector512.LessThanAll(Vector512.Abs(v), limit))
            {
                return null;
            }

            (v * up).Store(d + i);
        }

        for (; i < n; i++)
        {
            if (!(MathF.Abs(x[i]) < 32768f))
            {
                return null;
            }

            d[i] = x[i] * Up;
        }

        return d;
    }

    /// <summary>Σ w[i]·x[i] for the f16 row w and the prepared row xs = x·2^112 (n a multiple of 32 for the fast part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* row, float* xs, float* unused, int n)
    {
        ushort* w = (ushort*)row;
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0;
        Vector512<int> mask = Vector512.Create(unchecked((int)0x8FFFE000));
        Vector512<ushort> exp = Vector512.Create((ushort)0x7C00);
        int i = 0;
        for (; i + 32 <= n; i += 32)
        {
            // Prefetch: a 5632-wide row's prepared activations (22 KiB) share L1 with the weight stream, which the hardware
            // prefetcher alone then kept at half the bandwidth of a 2048-wide one (TinyLlama's down projection).
            Sse.Prefetch0((byte*)(w + i) + StreamPrefetch.Ahead);
            Vector512<ushort> h = Vector512.Load(w + i);
            if (Vector512.EqualsAny(h & exp, exp))
            {
                // An infinity or NaN in this chunk: exact conversion (the true value times x).
                s0 = Vector512.FusedMultiplyAdd(FloatDots.LoadHalf16(w + i), Vector512.Load(xs + i) * Vector512.Create(Down), s0);
                s1 = Vector512.FusedMultiplyAdd(FloatDots.LoadHalf16(w + i + 16), Vector512.Load(xs + i + 16) * Vector512.Create(Down), s1);
                continue;
            }

            Vector512<float> a = (Vector512.ShiftLeft(Avx512F.ConvertToVector512Int32(h.GetLower().AsInt16()), 13) & mask).AsSingle();
            Vector512<float> b = (Vector512.ShiftLeft(Avx512F.ConvertToVector512Int32(h.GetUpper().AsInt16()), 13) & mask).AsSingle();
            s0 = Vector512.FusedMultiplyAdd(a, Vector512.Load(xs + i), s0);
            s1 = Vector512.FusedMultiplyAdd(b, Vector512.Load(xs + i + 16), s1);
        }

        float sum = Reduce512.Sum(s0 + s1);
        for (; i < n; i++)
        {
            sum += HalfConvert.HalfToSingle(w[i]) * (xs[i] * Down);
        }

        return sum;
    }
}
