// The runner's element-wise kernels: binary arithmetic and comparisons with broadcasting, unary maths, casts, Where, Expand.
// Broadcast strides live on the stack, so none of them allocates.
using System.Runtime.InteropServices;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Engine.Graphs;

public sealed unsafe partial class GraphRunner
{
    // Each Binary and Unary step's operator, resolved once when the runner is made (indexed by step; unused entries stay 0).
    private static void ResolveOperators(IReadOnlyList<GraphStep> steps, out ElementOp[] binary, out UnaryOp[] unary)
    {
        binary = new ElementOp[steps.Count];
        unary = new UnaryOp[steps.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (step.Kind == StepKind.Binary && !ElementKernels.TryParse(step.Node.Op, out binary[s]))
            {
                throw new NotSupportedException($"step {s} ({step}) is Binary over '{step.Node.Op}'; this runner computes Add, Sub, Mul, Div and Pow");
            }

            if (step.Kind == StepKind.Unary && !UnaryKernels.TryParse(step.Node.Op, out unary[s]))
            {
                throw new NotSupportedException($"step {s} ({step}) is Unary over '{step.Node.Op}'; this runner computes "
                    + "Sqrt, Erf, Tanh, Relu, Sigmoid, Neg, Exp, Log, Abs and Reciprocal");
            }
        }
    }

    private void Binary(OpNode node, ElementOp op)
    {
        var a = node.Inputs[0]!;
        var b = node.Inputs[1]!;
        long[] outShape = ShapeOf(node.Output), aShape = ShapeOf(a), bShape = ShapeOf(b);
        if (node.Output.Type == DType.I64)
        {
            ElementKernels.Int64(op, (long*)Address(a), aShape, (long*)Address(b), bShape, (long*)Address(node.Output), outShape);
        }
        else
        {
            ElementKernels.Float(op, (float*)Address(a), aShape, (float*)Address(b), bShape, (float*)Address(node.Output), outShape);
        }
    }

    private void Unary(OpNode node, UnaryOp op)
    {
        long count = Count(ShapeOf(node.Output));
        var x = new ReadOnlySpan<float>((void*)Address(node.Inputs[0]!), (int)count);
        var y = new Span<float>((void*)Address(node.Output), (int)count);
        UnaryKernels.Run(op, x, y);
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
        long[] outShape = ShapeOf(node.Output);
        int rank = outShape.Length;
        Span<long> sa = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Span<long> sb = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.Strides(ShapeOf(a), outShape, sa);
        Broadcast.Strides(ShapeOf(b), outShape, sb);
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
        int rank = outShape.Length;
        Span<long> sc = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Span<long> sx = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Span<long> sz = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.Strides(ShapeOf(c), outShape, sc);
        Broadcast.Strides(ShapeOf(x), outShape, sx);
        Broadcast.Strides(ShapeOf(z), outShape, sz);
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
        long[] outShape = ShapeOf(node.Output);
        int rank = outShape.Length;
        Span<long> sx = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.Strides(ShapeOf(x), outShape, sx);
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
