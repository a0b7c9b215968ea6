// The graph runner's binary element-wise kernels. The operator is chosen once per step (one switch to a generic loop
// specialised per operator, the TensorPrimitives idiom); the broadcast pattern once per call; each loop is then
// branch-free per element: Vector256 over contiguous runs with a scalar tail, or the strided walk of general broadcasting
// (its strides on the stack: no allocation).
using System.Runtime.Intrinsics;

namespace Strata.Engine.Graphs;

/// <summary>y = a op b with numpy broadcasting, over f32 and int64.</summary>
internal static unsafe class ElementKernels
{
    /// <summary>The operator named <paramref name="name"/> (ONNX spelling); false when it is not one of Add, Sub, Mul, Div, Pow.</summary>
    public static bool TryParse(string name, out ElementOp op)
    {
        op = name switch
        {
            "Add" => ElementOp.Add,
            "Sub" => ElementOp.Sub,
            "Mul" => ElementOp.Mul,
            "Div" => ElementOp.Div,
            "Pow" => ElementOp.Pow,
            _ => default,
        };
        return op != default;
    }

    /// <summary>y = a op b over f32; <paramref name="y"/> may be <paramref name="a"/> or <paramref name="b"/> (same element count).</summary>
    public static void Float(ElementOp op, float* a, long[] aShape, float* b, long[] bShape, float* y, long[] outShape)
    {
        switch (op)
        {
            case ElementOp.Add:
                Float<AddOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Sub:
                Float<SubOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Mul:
                Float<MulOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Div:
                Float<DivOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Pow:
                Float<PowOp>(a, aShape, b, bShape, y, outShape);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary element-wise operator");
        }
    }

    /// <summary>y = a op b over int64.</summary>
    /// <exception cref="DivideByZeroException">Div by a zero element</exception>
    public static void Int64(ElementOp op, long* a, long[] aShape, long* b, long[] bShape, long* y, long[] outShape)
    {
        switch (op)
        {
            case ElementOp.Add:
                Int64<AddOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Sub:
                Int64<SubOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Mul:
                Int64<MulOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Div:
                Int64<DivOp>(a, aShape, b, bShape, y, outShape);
                break;
            case ElementOp.Pow:
                Int64<PowOp>(a, aShape, b, bShape, y, outShape);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary element-wise operator");
        }
    }

    private static void Float<TOp>(float* a, long[] aShape, float* b, long[] bShape, float* y, long[] outShape)
        where TOp : struct, IElementOp
    {
        long count = Broadcast.Count(outShape), na = Broadcast.Count(aShape), nb = Broadcast.Count(bShape);
        if (na == count && nb == count)
        {
            Contiguous<TOp>(a, b, y, count);
        }
        else if (na == count && nb == 1)
        {
            RightScalar<TOp>(a, *b, y, count);
        }
        else if (nb == count && na == 1)
        {
            LeftScalar<TOp>(*a, b, y, count);
        }
        else if (na == count && Broadcast.IsTrailing(bShape, outShape, out long bPeriod))
        {
            // b repeats over each run of bPeriod trailing elements (a bias row).
            for (long r = 0; r < count; r += bPeriod)
            {
                Contiguous<TOp>(a + r, b, y + r, bPeriod);
            }
        }
        else if (nb == count && Broadcast.IsTrailing(aShape, outShape, out long aPeriod))
        {
            for (long r = 0; r < count; r += aPeriod)
            {
                Contiguous<TOp>(a, b + r, y + r, aPeriod);
            }
        }
        else
        {
            int rank = outShape.Length;
            Span<long> sa = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
            Span<long> sb = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
            Broadcast.Strides(aShape, outShape, sa);
            Broadcast.Strides(bShape, outShape, sb);
            for (long i = 0; i < count; i++)
            {
                y[i] = TOp.Invoke(a[Broadcast.Offset(i, outShape, sa)], b[Broadcast.Offset(i, outShape, sb)]);
            }
        }
    }

    // y[i] = a[i] op b[i]; y may alias a or b exactly (each element is read before it is written).
    private static void Contiguous<TOp>(float* a, float* b, float* y, long n)
        where TOp : struct, IElementOp
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.Load(a + i), Vector256.Load(b + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = TOp.Invoke(a[i], b[i]);
        }
    }

    // y[i] = a[i] op s.
    private static void RightScalar<TOp>(float* a, float s, float* y, long n)
        where TOp : struct, IElementOp
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.Load(a + i), vs).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = TOp.Invoke(a[i], s);
        }
    }

    // y[i] = s op b[i].
    private static void LeftScalar<TOp>(float s, float* b, float* y, long n)
        where TOp : struct, IElementOp
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(vs, Vector256.Load(b + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] = TOp.Invoke(s, b[i]);
        }
    }

    private static void Int64<TOp>(long* a, long[] aShape, long* b, long[] bShape, long* y, long[] outShape)
        where TOp : struct, IElementOp
    {
        long count = Broadcast.Count(outShape);
        if (Broadcast.Count(aShape) == count && Broadcast.Count(bShape) == count)
        {
            for (long i = 0; i < count; i++)
            {
                y[i] = TOp.Invoke(a[i], b[i]);
            }

            return;
        }

        int rank = outShape.Length;
        Span<long> sa = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Span<long> sb = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.Strides(aShape, outShape, sa);
        Broadcast.Strides(bShape, outShape, sb);
        for (long i = 0; i < count; i++)
        {
            y[i] = TOp.Invoke(a[Broadcast.Offset(i, outShape, sa)], b[Broadcast.Offset(i, outShape, sb)]);
        }
    }

    // One operator: its f32 scalar and Vector256 forms (identical results lane by lane) and its int64 form.
    private interface IElementOp
    {
        static abstract float Invoke(float a, float b);

        static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);

        static abstract long Invoke(long a, long b);
    }

    private readonly struct AddOp : IElementOp
    {
        public static float Invoke(float a, float b) => a + b;

        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;

        public static long Invoke(long a, long b) => a + b;
    }

    private readonly struct SubOp : IElementOp
    {
        public static float Invoke(float a, float b) => a - b;

        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;

        public static long Invoke(long a, long b) => a - b;
    }

    private readonly struct MulOp : IElementOp
    {
        public static float Invoke(float a, float b) => a * b;

        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;

        public static long Invoke(long a, long b) => a * b;
    }

    private readonly struct DivOp : IElementOp
    {
        public static float Invoke(float a, float b) => a / b;

        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;

        public static long Invoke(long a, long b) => b == 0 ? throw new DivideByZeroException("int64 Div by zero") : a / b;
    }

    private readonly struct PowOp : IElementOp
    {
        public static float Invoke(float a, float b) => b == 2f ? a * a : MathF.Pow(a, b);

        // No vector pow: each lane as the scalar form computes it.
        public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b)
        {
            var y = Vector256<float>.Zero;
            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                y = y.WithElement(lane, Invoke(a.GetElement(lane), b.GetElement(lane)));
            }

            return y;
        }

        public static long Invoke(long a, long b) => (long)Math.Pow(a, b);
    }
}
