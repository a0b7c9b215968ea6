// Gemma's element-wise ops: tanh-approximated GELU gating, logit soft-capping and scaling, 16 lanes at a time.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// GELU-gated products, soft-capping and scaling over f32 spans. As <see cref="VectorOps.SwiGlu"/>, every element takes the
/// same lanes' arithmetic wherever it sits (a tail is padded through the same vector code), so a row's result does not
/// depend on the rows processed with it.
/// </summary>
public static unsafe class Activations
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float GeluCubic = 0.044715f;

    /// <summary>y = gelu(gate) · up with the tanh form gelu(g) = g/2 · (1 + tanh(√(2/π) · (g + 0.044715 g³))).</summary>
    /// <remarks>
    /// Computed in f32 at every g. llama.cpp's CPU backend looks gelu(g) up in an f16 table of f16-rounded arguments for
    /// |g| &lt; 10 (GGML_GELU_FP16): its values differ from these by up to f16 rounding (about 1e-3 relative).
    /// </remarks>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        if (up.Length != gate.Length || y.Length != gate.Length)
        {
            throw new ArgumentException($"GeluGlu lengths differ: gate {gate.Length}, up {up.Length}, y {y.Length}.", nameof(gate));
        }

        if (!(Vector512.IsHardwareAccelerated && Avx512F.IsSupported))
        {
            for (int k = 0; k < gate.Length; k++)
            {
                float g = gate[k];
                y[k] = 0.5f * g * (1f + MathF.Tanh(SqrtTwoOverPi * g * (1f + (GeluCubic * g * g)))) * up[k];
            }

            return;
        }

        int i = 0;
        fixed (float* pg = gate)
        fixed (float* pu = up)
        fixed (float* py = y)
        {
            for (; i + 16 <= gate.Length; i += 16)
            {
                Gelu16(Vector512.Load(pg + i), Vector512.Load(pu + i)).Store(py + i);
            }
        }

        if (i < gate.Length)
        {
            int rest = gate.Length - i;
            float* tail = stackalloc float[32];
            new Span<float>(tail, 32).Clear();
            gate[i..].CopyTo(new Span<float>(tail, rest));
            up[i..].CopyTo(new Span<float>(tail + 16, rest));
            Gelu16(Vector512.Load(tail), Vector512.Load(tail + 16)).Store(tail);
            new ReadOnlySpan<float>(tail, rest).CopyTo(y[i..]);
        }
    }

    /// <summary>x = x/2 · (1 + erf(x/√2)), in place: GELU in its exact (erf) form, as BERT-family encoders and ONNX's Gelu use.</summary>
    /// <remarks>
    /// erf by Abramowitz and Stegun 7.1.26 (|error| ≤ 1.5e-7 over the reals; Horner steps as fused multiply-adds) with an f32
    /// exp (Cephes, <see cref="VectorOps.Exp256"/>/<see cref="VectorOps.Exp512"/> in vectors), so gelu(x) is within about
    /// 1e-7·|x| of the exact value; the same lanes' arithmetic for every element (a tail is padded through the vector code).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluErf(Span<float> x)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            if (!Vector256.IsHardwareAccelerated)
            {
                foreach (ref float v in x)
                {
                    v = GeluErfScalar(v);
                }

                return;
            }

            int j = 0;
            fixed (float* px = x)
            {
                for (; j + 8 <= x.Length; j += 8)
                {
                    GeluErf8(Vector256.Load(px + j)).Store(px + j);
                }
            }

            if (j < x.Length)
            {
                float* tail8 = stackalloc float[8];
                new Span<float>(tail8, 8).Clear();
                x[j..].CopyTo(new Span<float>(tail8, x.Length - j));
                GeluErf8(Vector256.Load(tail8)).Store(tail8);
                new ReadOnlySpan<float>(tail8, x.Length - j).CopyTo(x[j..]);
            }

            return;
        }

        int i = 0;
        fixed (float* px = x)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                GeluErf16(Vector512.Load(px + i)).Store(px + i);
            }
        }

        if (i < x.Length)
        {
            int rest = x.Length - i;
            float* tail = stackalloc float[16];
            new Span<float>(tail, 16).Clear();
            x[i..].CopyTo(new Span<float>(tail, rest));
            GeluErf16(Vector512.Load(tail)).Store(tail);
            new ReadOnlySpan<float>(tail, rest).CopyTo(x[i..]);
        }
    }

    private const float ErfP = 0.3275911f, ErfA1 = 0.254829592f, ErfA2 = -0.284496736f, ErfA3 = 1.421413741f, ErfA4 = -1.453152027f, ErfA5 = 1.061405429f;
    private const float InvSqrtTwo = 0.70710678118654752f;

    private static float GeluErfScalar(float v)
    {
        float z = MathF.Abs(v) * InvSqrtTwo;
        float t = 1f / MathF.FusedMultiplyAdd(ErfP, z, 1f);
        float poly = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(ErfA5, t, ErfA4), t, ErfA3), t, ErfA2), t,
            ErfA1) * t;
        float erf = MathF.FusedMultiplyAdd(-poly, MathF.Exp(-z * z), 1f);
        return 0.5f * v * (1f + MathF.CopySign(erf, v));
    }

    private static Vector512<float> GeluErf16(Vector512<float> v)
    {
        var z = Vector512.Abs(v) * Vector512.Create(InvSqrtTwo);
        var t = Vector512<float>.One / Vector512.FusedMultiplyAdd(Vector512.Create(ErfP), z, Vector512<float>.One);
        var poly = Vector512.FusedMultiplyAdd(Vector512.Create(ErfA5), t, Vector512.Create(ErfA4));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(ErfA3));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(ErfA2));
        poly = Vector512.FusedMultiplyAdd(poly, t, Vector512.Create(ErfA1)) * t;
        var erf = Vector512.FusedMultiplyAdd(-poly, VectorOps.Exp512(-(z * z)), Vector512<float>.One);
        var signed = Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), -erf, erf);
        return Vector512.Create(0.5f) * v * (Vector512<float>.One + signed);
    }

    /// <summary>GELU (erf form) of 8 lanes: the arithmetic <see cref="GeluErf"/> applies to every element.</summary>
    internal static Vector256<float> GeluErf8(Vector256<float> v)
    {
        var z = Vector256.Abs(v) * Vector256.Create(InvSqrtTwo);
        var t = Vector256<float>.One / Vector256.FusedMultiplyAdd(Vector256.Create(ErfP), z, Vector256<float>.One);
        var poly = Vector256.FusedMultiplyAdd(Vector256.Create(ErfA5), t, Vector256.Create(ErfA4));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(ErfA3));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(ErfA2));
        poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(ErfA1)) * t;
        var erf = Vector256.FusedMultiplyAdd(-poly, VectorOps.Exp256(-(z * z)), Vector256<float>.One);
        var signed = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), -erf, erf);
        return Vector256.Create(0.5f) * v * (Vector256<float>.One + signed);
    }

    /// <summary>x = cap · tanh(x / cap), in place (Gemma 2's attention and final logit soft-capping).</summary>
    /// <exception cref="ArgumentOutOfRangeException">cap is not positive</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftCap(Span<float> x, float cap)
    {
        if (!(cap > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(cap), cap, "the soft cap must be positive");
        }

        float inverse = 1f / cap;
        if (!(Vector512.IsHardwareAccelerated && Avx512F.IsSupported))
        {
            for (int k = 0; k < x.Length; k++)
            {
                x[k] = cap * MathF.Tanh(x[k] * inverse);
            }

            return;
        }

        var c = Vector512.Create(cap);
        var inv = Vector512.Create(inverse);
        int i = 0;
        fixed (float* p = x)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                (c * Tanh512(Vector512.Load(p + i) * inv)).Store(p + i);
            }
        }

        if (i < x.Length)
        {
            int rest = x.Length - i;
            float* tail = stackalloc float[16];
            new Span<float>(tail, 16).Clear();
            x[i..].CopyTo(new Span<float>(tail, rest));
            (c * Tanh512(Vector512.Load(tail) * inv)).Store(tail);
            new ReadOnlySpan<float>(tail, rest).CopyTo(x[i..]);
        }
    }

    /// <summary>x = x · scale, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> x, float scale)
    {
        int i = 0;
        fixed (float* p = x)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var s = Vector512.Create(scale);
                for (; i + 16 <= x.Length; i += 16)
                {
                    (Vector512.Load(p + i) * s).Store(p + i);
                }
            }

            for (; i < x.Length; i++)
            {
                p[i] *= scale;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Gelu16(Vector512<float> g, Vector512<float> u)
    {
        Vector512<float> inner = Vector512.Create(SqrtTwoOverPi) * g * Vector512.FusedMultiplyAdd(Vector512.Create(GeluCubic) * g, g, Vector512<float>.One);
        return Vector512.Create(0.5f) * g * (Vector512<float>.One + Tanh512(inner)) * u;
    }

    /// <summary>
    /// tanh for 16 lanes: 1 − 2 / (e^{2x} + 1) with <see cref="VectorOps.Exp512"/> (whose clamp gives ±1 far out); within a
    /// few 1e-8 of tanh in absolute terms everywhere, which is what a sum of scores or activations sees.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh512(Vector512<float> x) =>
        Vector512<float>.One - (Vector512.Create(2f) / (VectorOps.Exp512(x + x) + Vector512<float>.One));
}
