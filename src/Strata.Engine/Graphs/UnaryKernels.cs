// The graph runner's unary element-wise kernels. The operator is chosen once per step (one switch to a generic loop
// specialised per operator); operators exact in Vector256 (√, −, |·|, max, 1/x) run eight lanes at a time, the
// transcendental ones keep MathF's scalar results.
using System.Runtime.Intrinsics;
using Strata.Kernels;

namespace Strata.Engine.Graphs;

/// <summary>y = op(x) over f32.</summary>
internal static class UnaryKernels
{
    /// <summary>The operator named <paramref name="name"/> (ONNX spelling); false when the runner has no kernel for it.</summary>
    public static bool TryParse(string name, out UnaryOp op)
    {
        op = name switch
        {
            "Sqrt" => UnaryOp.Sqrt,
            "Erf" => UnaryOp.Erf,
            "Tanh" => UnaryOp.Tanh,
            "Relu" => UnaryOp.Relu,
            "Sigmoid" => UnaryOp.Sigmoid,
            "Neg" => UnaryOp.Neg,
            "Exp" => UnaryOp.Exp,
            "Log" => UnaryOp.Log,
            "Abs" => UnaryOp.Abs,
            "Reciprocal" => UnaryOp.Reciprocal,
            _ => default,
        };
        return op != default;
    }

    /// <summary>y[i] = op(x[i]); <paramref name="y"/> may be <paramref name="x"/> (same length).</summary>
    public static void Run(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (op)
        {
            case UnaryOp.Sqrt:
                Vectorized<SqrtOp>(x, y);
                break;
            case UnaryOp.Relu:
                Vectorized<ReluOp>(x, y);
                break;
            case UnaryOp.Neg:
                Vectorized<NegOp>(x, y);
                break;
            case UnaryOp.Abs:
                Vectorized<AbsOp>(x, y);
                break;
            case UnaryOp.Reciprocal:
                Vectorized<ReciprocalOp>(x, y);
                break;
            case UnaryOp.Erf:
                Scalar<ErfOp>(x, y);
                break;
            case UnaryOp.Tanh:
                Scalar<TanhOp>(x, y);
                break;
            case UnaryOp.Sigmoid:
                Scalar<SigmoidOp>(x, y);
                break;
            case UnaryOp.Exp:
                Scalar<ExpOp>(x, y);
                break;
            case UnaryOp.Log:
                Scalar<LogOp>(x, y);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a unary element-wise operator");
        }
    }

    /// <summary>erf as <see cref="Activations.Erf"/> computes it (the form Activations.GeluErf uses).</summary>
    public static float Erf(float v) => Activations.Erf(v);

    private static void Vectorized<TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TOp : struct, IVectorOp
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.Create(x.Slice(i, Vector256<float>.Count))).CopyTo(y.Slice(i, Vector256<float>.Count));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = TOp.Invoke(x[i]);
        }
    }

    private static void Scalar<TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TOp : struct, IScalarOp
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = TOp.Invoke(x[i]);
        }
    }

    // One operator in scalar form.
    private interface IScalarOp
    {
        static abstract float Invoke(float x);
    }

    // One operator whose Vector256 form gives, lane by lane, exactly the scalar form's result.
    private interface IVectorOp : IScalarOp
    {
        static abstract Vector256<float> Invoke(Vector256<float> x);
    }

    private readonly struct SqrtOp : IVectorOp
    {
        public static float Invoke(float x) => MathF.Sqrt(x);

        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Sqrt(x);
    }

    private readonly struct ReluOp : IVectorOp
    {
        public static float Invoke(float x) => MathF.Max(x, 0);

        // Vector256.Max is IEEE 754 maximum like MathF.Max (NaN propagates, +0 above −0).
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    }

    private readonly struct NegOp : IVectorOp
    {
        public static float Invoke(float x) => -x;

        public static Vector256<float> Invoke(Vector256<float> x) => -x;
    }

    private readonly struct AbsOp : IVectorOp
    {
        public static float Invoke(float x) => MathF.Abs(x);

        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Abs(x);
    }

    private readonly struct ReciprocalOp : IVectorOp
    {
        public static float Invoke(float x) => 1f / x;

        public static Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / x;
    }

    private readonly struct ErfOp : IScalarOp
    {
        public static float Invoke(float x) => Erf(x);
    }

    private readonly struct TanhOp : IScalarOp
    {
        public static float Invoke(float x) => MathF.Tanh(x);
    }

    private readonly struct SigmoidOp : IScalarOp
    {
        public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));
    }

    private readonly struct ExpOp : IScalarOp
    {
        public static float Invoke(float x) => MathF.Exp(x);
    }

    private readonly struct LogOp : IScalarOp
    {
        public static float Invoke(float x) => MathF.Log(x);
    }
}
