// The runner's element-wise kernels: binary arithmetic and comparisons with broadcasting, unary maths, casts, Where, Expand.
using System.Runtime.InteropServices;
using Strata.Compiler.Graphs;
using Strata.Kernels;

namespace Strata.Engine.Graphs;

public sealed unsafe partial class GraphRunner
{
    private void Binary(OpNode node)
    {
        var a = node.Inputs[0]!;
        var b = node.Inputs[1]!;
        long[] outShape = ShapeOf(node.Output), aShape = ShapeOf(a), bShape = ShapeOf(b);
        long count = Count(outShape);
        if (node.Output.Type == DType.I64)
        {
            BinaryInt64(node.Op, (long*)Address(a), aShape, (long*)Address(b), bShape, (long*)Address(node.Output), outShape, count);
            return;
        }

        float* pa = (float*)Address(a), pb = (float*)Address(b), py = (float*)Address(node.Output);
        var op = node.Op;
        if (Broadcast.Same(aShape, outShape) && Broadcast.Same(bShape, outShape))
        {
            Apply(op, pa, pb, py, count, count, count);
        }
        else if (Broadcast.Same(aShape, outShape) && Broadcast.IsTrailing(bShape, outShape, out long period))
        {
            for (long r = 0; r < count; r += period)
            {
                Apply(op, pa + r, pb, py + r, period, period, period);
            }
        }
        else if (Broadcast.Same(bShape, outShape) && Broadcast.IsTrailing(aShape, outShape, out long aPeriod) && op is "Add" or "Mul")
        {
            for (long r = 0; r < count; r += aPeriod)
            {
                Apply(op, pb + r, pa, py + r, aPeriod, aPeriod, aPeriod);
            }
        }
        else
        {
            long[] sa = Broadcast.Strides(aShape, outShape), sb = Broadcast.Strides(bShape, outShape);
            for (long i = 0; i < count; i++)
            {
                py[i] = Scalar(op, pa[Broadcast.Offset(i, outShape, sa)], pb[Broadcast.Offset(i, outShape, sb)]);
            }
        }
    }

    // y[i] = a[i] op b[i] over n elements (a and b already aligned).
    private static void Apply(string op, float* a, float* b, float* y, long n, long na, long nb)
    {
        var ya = new Span<float>(y, (int)n);
        var sa = new ReadOnlySpan<float>(a, (int)na);
        var sb = new ReadOnlySpan<float>(b, (int)nb);
        switch (op)
        {
            case "Add" when a == y:
                VectorOps.Add(ya, sb);
                return;
            case "Add" when b == y:
                VectorOps.Add(ya, sa);
                return;
        }

        for (int i = 0; i < ya.Length; i++)
        {
            ya[i] = Scalar(op, sa[i], sb[i]);
        }
    }

    private static float Scalar(string op, float a, float b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        _ => b == 2f ? a * a : MathF.Pow(a, b),
    };

    private static void BinaryInt64(string op, long* a, long[] aShape, long* b, long[] bShape, long* y, long[] outShape, long count)
    {
        long[] sa = Broadcast.Strides(aShape, outShape), sb = Broadcast.Strides(bShape, outShape);
        for (long i = 0; i < count; i++)
        {
            long x = a[Broadcast.Offset(i, outShape, sa)], z = b[Broadcast.Offset(i, outShape, sb)];
            y[i] = op switch
            {
                "Add" => x + z,
                "Sub" => x - z,
                "Mul" => x * z,
                "Div" => z == 0 ? throw new DivideByZeroException("int64 Div by zero") : x / z,
                _ => (long)Math.Pow(x, z),
            };
        }
    }

    private void Unary(OpNode node)
    {
        long count = Count(ShapeOf(node.Output));
        var x = new ReadOnlySpan<float>((void*)Address(node.Inputs[0]!), (int)count);
        var y = new Span<float>((void*)Address(node.Output), (int)count);
        switch (node.Op)
        {
            case "Sqrt":
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = MathF.Sqrt(x[i]);
                }

                break;
            case "Erf":
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = Erf(x[i]);
                }

                break;
            default:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = node.Op switch
                    {
                        "Tanh" => MathF.Tanh(x[i]),
                        "Relu" => MathF.Max(x[i], 0),
                        "Sigmoid" => 1f / (1f + MathF.Exp(-x[i])),
                        "Neg" => -x[i],
                        "Exp" => MathF.Exp(x[i]),
                        "Log" => MathF.Log(x[i]),
                        "Abs" => MathF.Abs(x[i]),
                        _ => 1f / x[i],
                    };
                }

                break;
        }
    }

    // erf by Abramowitz and Stegun 7.1.26 (|error| ≤ 1.5e-7), the approximation Activations.GeluErf uses.
    private static float Erf(float v)
    {
        float z = MathF.Abs(v);
        float t = 1f / (1f + (0.3275911f * z));
        float poly = t * (0.254829592f + (t * (-0.284496736f + (t * (1.421413741f + (t * (-1.453152027f + (t * 1.061405429f))))))));
        return MathF.CopySign(1f - (poly * MathF.Exp(-z * z)), v);
    }

    private void Cast(OpNode node)
    {
        var input = node.Inputs[0]!;
        long count = Count(ShapeOf(node.Output));
        nint x = Address(input), y = Address(node.Output);
        for (long i = 0; i < count; i++)
        {
            double v = Read(input.Type, x, i);
            Write(node.Output.Type, y, i, v);
        }
    }

    private static double Read(DType type, nint p, long i) => type switch
    {
        DType.F32 => ((float*)p)[i],
        DType.F64 => ((double*)p)[i],
        DType.I64 => ((long*)p)[i],
        DType.I32 => ((int*)p)[i],
        DType.I16 => ((short*)p)[i],
        DType.U16 => ((ushort*)p)[i],
        DType.I8 => ((sbyte*)p)[i],
        DType.U8 or DType.Bool => ((byte*)p)[i],
        DType.U32 => ((uint*)p)[i],
        DType.U64 => ((ulong*)p)[i],
        DType.F16 => (double)((Half*)p)[i],
        _ => throw new InvalidOperationException($"Cast from {type.Text()} has no kernel"),
    };

    private static void Write(DType type, nint p, long i, double v)
    {
        switch (type)
        {
            case DType.F32:
                ((float*)p)[i] = (float)v;
                break;
            case DType.I64:
                ((long*)p)[i] = (long)v;
                break;
            case DType.I32:
                ((int*)p)[i] = (int)v;
                break;
            default:
                ((byte*)p)[i] = v != 0 ? (byte)1 : (byte)0;
                break;
        }
    }

    private void Equal(OpNode node)
    {
        var a = node.Inputs[0]!;
        var b = node.Inputs[1]!;
        long[] outShape = ShapeOf(node.Output), sa = Broadcast.Strides(ShapeOf(a), outShape), sb = Broadcast.Strides(ShapeOf(b), outShape);
        nint pa = Address(a), pb = Address(b);
        byte* y = (byte*)Address(node.Output);
        long count = Count(outShape);
        for (long i = 0; i < count; i++)
        {
            y[i] = Read(a.Type, pa, Broadcast.Offset(i, outShape, sa)) == Read(b.Type, pb, Broadcast.Offset(i, outShape, sb)) ? (byte)1 : (byte)0;
        }
    }

    private void Where(OpNode node)
    {
        var c = node.Inputs[0]!;
        var x = node.Inputs[1]!;
        var z = node.Inputs[2]!;
        long[] outShape = ShapeOf(node.Output);
        long[] sc = Broadcast.Strides(ShapeOf(c), outShape), sx = Broadcast.Strides(ShapeOf(x), outShape), sz = Broadcast.Strides(ShapeOf(z), outShape);
        byte* pc = (byte*)Address(c), px = (byte*)Address(x), pz = (byte*)Address(z), py = (byte*)Address(node.Output);
        int size = node.Output.Type.Size();
        long count = Count(outShape);
        for (long i = 0; i < count; i++)
        {
            byte* source = pc[Broadcast.Offset(i, outShape, sc)] != 0 ? px + (Broadcast.Offset(i, outShape, sx) * size) : pz + (Broadcast.Offset(i, outShape, sz) * size);
            Buffer.MemoryCopy(source, py + (i * size), size, size);
        }
    }

    private void Expand(OpNode node)
    {
        var x = node.Inputs[0]!;
        long[] outShape = ShapeOf(node.Output), sx = Broadcast.Strides(ShapeOf(x), outShape);
        byte* px = (byte*)Address(x), py = (byte*)Address(node.Output);
        int size = node.Output.Type.Size();
        long count = Count(outShape);
        for (long i = 0; i < count; i++)
        {
            Buffer.MemoryCopy(px + (Broadcast.Offset(i, outShape, sx) * size), py + (i * size), size, size);
        }
    }

    private static Span<byte> Bytes(nint address, long length) => MemoryMarshal.CreateSpan(ref *(byte*)address, checked((int)length));
}
