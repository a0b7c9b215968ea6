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
