// The runner's data-movement and reduction kernels: views, Transpose, Gather, Slice, Concat, Softmax, ReduceMean, the
// batched product of two activations, and the hand-over of foreign partitions.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Engine.Graphs;

public sealed unsafe partial class GraphRunner
{
    private void View(OpNode node)
    {
        nint x = Address(node.Inputs[0]!), y = Address(node.Output);
        if (x != y)
        {
            long bytes = Count(ShapeOf(node.Output)) * node.Output.Type.Size();
            Buffer.MemoryCopy((void*)x, (void*)y, bytes, bytes);
        }
    }

    private void Transpose(OpNode node)
    {
        var x = node.Inputs[0]!;
        long[] inShape = ShapeOf(x), outShape = ShapeOf(node.Output);
        int rank = inShape.Length;
        var perm = node.Attributes.Ints("perm");
        Span<long> inStrides = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.RowMajor(inShape, inStrides);

        // The output axis a reads input axis perm[a] (reversed axes when perm is absent).
        Span<long> strides = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        for (int a = 0; a < rank; a++)
        {
            strides[a] = inStrides[perm is null ? rank - 1 - a : (int)perm[a]];
        }

        int size = x.Type.Size();
        byte* px = (byte*)Address(x), py = (byte*)Address(node.Output);
        long count = Count(outShape);
        for (long i = 0; i < count; i++)
        {
            Buffer.MemoryCopy(px + (Broadcast.Offset(i, outShape, strides) * size), py + (i * size), size, size);
        }
    }

    private void Gather(OpNode node)
    {
        var data = node.Inputs[0]!;
        var indices = node.Inputs[1]!;
        long[] dataShape = ShapeOf(data);
        int axis = (int)node.Attributes.Int("axis", 0);
        axis = axis < 0 ? axis + dataShape.Length : axis;
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= dataShape[d];
        }

        for (int d = axis + 1; d < dataShape.Length; d++)
        {
            inner *= dataShape[d];
        }

        long axisSize = dataShape[axis];
        long count = Count(ShapeOf(indices));
        int size = data.Type.Size();
        long block = inner * size;
        byte* px = (byte*)Address(data), py = (byte*)Address(node.Output);
        nint pi = Address(indices);
        for (long o = 0; o < outer; o++)
        {
            for (long j = 0; j < count; j++)
            {
                long index = indices.Type == DType.I32 ? ((int*)pi)[j] : ((long*)pi)[j];
                index = index < 0 ? index + axisSize : index;
                if ((ulong)index >= (ulong)axisSize)
                {
                    throw new ArgumentException($"Gather index {index} is outside [0, {axisSize}) of '{data.Name}'");
                }

                Buffer.MemoryCopy(px + (((o * axisSize) + index) * block), py + (((o * count) + j) * block), block, block);
            }
        }
    }

    // Each Slice step's constant starts and axes (null: 0, 1, …), read once when the runner is made (indexed by step).
    private static void ReadSliceConstants(GraphExecutable executable, out long[]?[] starts, out long[]?[] axes)
    {
        var steps = executable.Steps;
        starts = new long[]?[steps.Count];
        axes = new long[]?[steps.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            var node = steps[s].Node;
            if (steps[s].Kind == StepKind.Slice)
            {
                starts[s] = Constant(executable.Graph, node.Inputs[1]!);
                axes[s] = node.Input(3) is { } a ? Constant(executable.Graph, a) : null;
            }
        }
    }

    private void Slice(OpNode node, int index)
    {
        var x = node.Inputs[0]!;
        long[] inShape = ShapeOf(x), outShape = ShapeOf(node.Output);
        long[] starts = _sliceStarts[index]!;
        long[]? axes = _sliceAxes[index];
        int rank = inShape.Length;
        Span<long> inStrides = rank <= Broadcast.StackRank ? stackalloc long[rank] : new long[rank];
        Broadcast.RowMajor(inShape, inStrides);

        // The first element read: each sliced axis's clamped start times its stride (an axis is sliced at most once).
        long origin = 0;
        for (int k = 0; k < starts.Length; k++)
        {
            int axis = (int)(axes is null ? k : axes[k] < 0 ? axes[k] + rank : axes[k]);
            long start = starts[k] < 0 ? starts[k] + inShape[axis] : starts[k];
            origin += Math.Clamp(start, 0, inShape[axis]) * inStrides[axis];
        }

        int size = x.Type.Size();
        byte* px = (byte*)Address(x) + (origin * size), py = (byte*)Address(node.Output);
        long count = Count(outShape);
        for (long i = 0; i < count; i++)
        {
            Buffer.MemoryCopy(px + (Broadcast.Offset(i, outShape, inStrides) * size), py + (i * size), size, size);
        }
    }

    private static long[] Constant(OpGraph graph, TensorValue value)
    {
        graph.TryGetConstant(value, out var data);
        return data.Type == DType.I32 ? Array.ConvertAll(data.As<int>().ToArray(), v => (long)v) : data.As<long>().ToArray();
    }

    private void Concat(OpNode node)
    {
        long[] outShape = ShapeOf(node.Output);
        int axis = (int)node.Attributes.Int("axis", 0);
        axis = axis < 0 ? axis + outShape.Length : axis;
        long outer = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= outShape[d];
        }

        int size = node.Output.Type.Size();
        long outBlock = Count(outShape) / Math.Max(outer, 1) * size;
        byte* py = (byte*)Address(node.Output);
        long column = 0;
        foreach (var input in node.Inputs)
        {
            long block = Count(ShapeOf(input!)) / Math.Max(outer, 1) * size;
            byte* px = (byte*)Address(input!);
            for (long o = 0; o < outer; o++)
            {
                Buffer.MemoryCopy(px + (o * block), py + (o * outBlock) + column, block, block);
            }

            column += block;
        }
    }

    private void Softmax(OpNode node)
    {
        long[] shape = ShapeOf(node.Output);
        int width = (int)shape[^1];
        long rows = Count(shape) / Math.Max(width, 1);
        float* x = (float*)Address(node.Inputs[0]!), y = (float*)Address(node.Output);
        for (long r = 0; r < rows; r++)
        {
            float* xr = x + (r * width), yr = y + (r * width);
            float max = float.NegativeInfinity;
            for (int i = 0; i < width; i++)
            {
                max = MathF.Max(max, xr[i]);
            }

            float sum = 0;
            for (int i = 0; i < width; i++)
            {
                yr[i] = MathF.Exp(xr[i] - max);
                sum += yr[i];
            }

            float inverse = 1f / sum;
            for (int i = 0; i < width; i++)
            {
                yr[i] *= inverse;
            }
        }
    }

    private void ReduceMean(OpNode node)
    {
        long[] shape = ShapeOf(node.Inputs[0]!);
        int width = (int)shape[^1];
        long rows = Count(shape) / Math.Max(width, 1);
        float* x = (float*)Address(node.Inputs[0]!), y = (float*)Address(node.Output);
        for (long r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int i = 0; i < width; i++)
            {
                sum += x[(r * width) + i];
            }

            y[r] = (float)(sum / width);
        }
    }

    // y[..., m, n] = Σ_k a[..., m, k] · b[..., k, n], batch dims broadcast.
    private void BatchedMatMul(OpNode node)
    {
        var a = node.Inputs[0]!;
        var b = node.Inputs[1]!;
        long[] aShape = ShapeOf(a), bShape = ShapeOf(b), outShape = ShapeOf(node.Output);
        if (aShape.Length < 2 || bShape.Length < 2)
        {
            throw new InvalidOperationException("MatMul of a vector operand has no Strata kernel");
        }

        int m = (int)aShape[^2], k = (int)aShape[^1], n = (int)bShape[^1];
        ReadOnlySpan<long> batch = outShape.AsSpan(0, outShape.Length - 2);
        Span<long> sa = batch.Length <= Broadcast.StackRank ? stackalloc long[batch.Length] : new long[batch.Length];
        Span<long> sb = batch.Length <= Broadcast.StackRank ? stackalloc long[batch.Length] : new long[batch.Length];
        Broadcast.Strides(aShape.AsSpan(0, aShape.Length - 2), batch, sa);
        Broadcast.Strides(bShape.AsSpan(0, bShape.Length - 2), batch, sb);
        long batches = Broadcast.Count(batch);
        float* pa = (float*)Address(a), pb = (float*)Address(b), py = (float*)Address(node.Output);
        for (long t = 0; t < batches; t++)
        {
            float* am = pa + (Broadcast.Offset(t, batch, sa) * m * k), bm = pb + (Broadcast.Offset(t, batch, sb) * k * n), ym = py + (t * m * n);
            for (int i = 0; i < m; i++)
            {
                var row = new Span<float>(ym + ((long)i * n), n);
                row.Clear();
                for (int kk = 0; kk < k; kk++)
                {
                    float alpha = am[((long)i * k) + kk];
                    var brow = new ReadOnlySpan<float>(bm + ((long)kk * n), n);
                    for (int j = 0; j < n; j++)
                    {
                        row[j] += alpha * brow[j];
                    }
                }
            }
        }
    }

    private void Foreign(GraphStep step)
    {
        var (partition, loaded) = _executable.Partitions[step.Partition];
        if (loaded is null)
        {
            throw new InvalidOperationException($"partition {partition.Index} was compiled without a foreign runtime");
        }

        // The tensor arrays are the partition's own, refilled each run (the runtime reads them only during Run).
        var inputs = _foreignInputs[step.Partition] ??= new ForeignTensor[partition.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = partition.Inputs[i];
            long[] shape = ShapeOf(v);
            inputs[i] = new ForeignTensor(v.Type, shape, Address(v), Count(shape) * v.Type.Size());
        }

        var outputs = _foreignOutputs[step.Partition] ??= new ForeignTensor[partition.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var v = partition.Outputs[i];
            long[] shape = ShapeOf(v);
            outputs[i] = new ForeignTensor(v.Type, shape, Address(v), _executable.Plan.Slots[v.Id].CapacityBytes);
        }

        loaded.Run(inputs, outputs);
    }
}
