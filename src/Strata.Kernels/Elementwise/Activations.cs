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
    /// erf by a rational minimax form (<see cref="Erf"/>: z · P(z²) / Q(z²), z clamped to ±4, Horner steps as fused
    /// multiply-adds, no exponential), so gelu(x) is within about 1e-7·|x| of the exact value; the same arithmetic for every
    /// element in every width (a tail is padded through the vector code), so scalar, AVX2 and AVX-512 give the same bits.
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

    // erf(z) ≈ z · P(z²) / Q(z²) on z clamped to ±4 (beyond, erf rounds to ±1 in f32): the rational minimax form Eigen and
    // XLA use for f32 (a few ulp), odd by construction, with no exponential.
    private const float ErfClamp = 4f, InvSqrtTwo = 0.70710678118654752f;
    private const float ErfA1 = -1.60960333262415e-02f, ErfA3 = -2.95459980854025e-03f, ErfA5 = -7.34990630326855e-04f, ErfA7 = -5.69250639462346e-05f,
        ErfA9 = -2.10102402082508e-06f, ErfA11 = 2.77068142495902e-08f, ErfA13 = -2.72614225801306e-10f;
    private const float ErfB0 = -1.42647390514189e-02f, ErfB2 = -7.37332916720468e-03f, ErfB4 = -1.68282697438203e-03f, ErfB6 = -2.13374055278905e-04f,
        ErfB8 = -1.45660718464996e-05f;

    /// <summary>erf(z) in f32 by the rational form <see cref="GeluErf"/> computes in every lane (a few ulp; no exponential).</summary>
    public static float Erf(float z)
    {
        z = MathF.Min(MathF.Max(z, -ErfClamp), ErfClamp);
        float z2 = z * z;
        float p = MathF.FusedMultiplyAdd(z2, ErfA13, ErfA11);
        p = MathF.FusedMultiplyAdd(z2, p, ErfA9);
        p = MathF.FusedMultiplyAdd(z2, p, ErfA7);
        p = MathF.FusedMultiplyAdd(z2, p, ErfA5);
        p = MathF.FusedMultiplyAdd(z2, p, ErfA3);
        p = MathF.FusedMultiplyAdd(z2, p, ErfA1) * z;
        float q = MathF.FusedMultiplyAdd(z2, ErfB8, ErfB6);
        q = MathF.FusedMultiplyAdd(z2, q, ErfB4);
        q = MathF.FusedMultiplyAdd(z2, q, ErfB2);
        q = MathF.FusedMultiplyAdd(z2, q, ErfB0);
        return p / q;
    }

    private static float GeluErfScalar(float v) => 0.5f * v * (1f + Erf(v * InvSqrtTwo));

    private static Vector512<float> GeluErf16(Vector512<float> v)
    {
        var z = Vector512.MinNative(Vector512.MaxNative(v * Vector512.Create(InvSqrtTwo), Vector512.Create(-ErfClamp)), Vector512.Create(ErfClamp));
        var z2 = z * z;
        var p = Vector512.FusedMultiplyAdd(z2, Vector512.Create(ErfA13), Vector512.Create(ErfA11));
        p = Vector512.FusedMultiplyAdd(z2, p, Vector512.Create(ErfA9));
        p = Vector512.FusedMultiplyAdd(z2, p, Vector512.Create(ErfA7));
        p = Vector512.FusedMultiplyAdd(z2, p, Vector512.Create(ErfA5));
        p = Vector512.FusedMultiplyAdd(z2, p, Vector512.Create(ErfA3));
        p = Vector512.FusedMultiplyAdd(z2, p, Vector512.Create(ErfA1)) * z;
        var q = Vector512.FusedMultiplyAdd(z2, Vector512.Create(ErfB8), Vector512.Create(ErfB6));
        q = Vector512.FusedMultiplyAdd(z2, q, Vector512.Create(ErfB4));
        q = Vector512.FusedMultiplyAdd(z2, q, Vector512.Create(ErfB2));
        q = Vector512.FusedMultiplyAdd(z2, q, Vector512.Create(ErfB0));
        return Vector512.Create(0.5f) * v * (Vector512<float>.One + (p / q));
    }

    /// <summary>GELU (erf form) of 8 lanes: the arithmetic <see cref="GeluErf"/> applies to every element.</summary>
    internal static Vector256<float> GeluErf8(Vector256<float> v)
    {
        var z = Vector256.MinNative(Vector256.MaxNative(v * Vector256.Create(InvSqrtTwo), Vector256.Create(-ErfClamp)), Vector256.Create(ErfClamp));
        var z2 = z * z;
        var p = Vector256.FusedMultiplyAdd(z2, Vector256.Create(ErfA13), Vector256.Create(ErfA11));
        p = Vector256.FusedMultiplyAdd(z2, p, Vector256.Create(ErfA9));
        p = Vector256.FusedMultiplyAdd(z2, p, Vector256.Create(ErfA7));
        p = Vector256.FusedMultiplyAdd(z2, p, Vector256.Create(ErfA5));
        p = Vector256.FusedMultiplyAdd(z2, p, Vector256.Create(ErfA3));
        p = Vector256.FusedMultiplyAdd(z2, p, Vector256.Create(ErfA1)) * z;
        var q = Vector256.FusedMultiplyAdd(z2, Vector256.Create(ErfB8), Vector256.Create(ErfB6));
        q = Vector256.FusedMultiplyAdd(z2, q, Vector256.Create(ErfB4));
        q = Vector256.FusedMultiplyAdd(z2, q, Vector256.Create(ErfB2));
        q = Vector256.FusedMultiplyAdd(z2, q, Vector256.Create(ErfB0));
        return Vector256.Create(0.5f) * v * (Vector256<float>.One + (p / q));
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
