// Data-movement operators of the constant evaluator: Gather, (Un)Squeeze, Concat, Reshape, Transpose, Slice (opset 13 forms).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Operators that move elements of a <see cref="HostTensor"/>.</summary>
internal static class MovementOps
{
    public static HostTensor? Gather(HostTensor data, HostTensor indices, long axisAttribute)
    {
        if (data.Dims.Length == 0 || indices.Ints is not { } index)
        {
            return null;
        }

        int axis = (int)(axisAttribute < 0 ? axisAttribute + data.Dims.Length : axisAttribute);
        long outer = ElementwiseOps.Product(data.Dims[..axis]), inner = ElementwiseOps.Product(data.Dims[(axis + 1)..]), size = data.Dims[axis];
        long[] dims = [.. data.Dims[..axis], .. indices.Dims, .. data.Dims[(axis + 1)..]];
        foreach (long i in index)
        {
            if (i < -size || i >= size)
            {
                return null;
            }
        }

        long n = index.Length;
        return data.Gather(dims, flat =>
        {
            long within = flat % inner, rest = flat / inner, which = rest % n, o = rest / n;
            long i = index[which] < 0 ? index[which] + size : index[which];
            return (((o * size) + i) * inner) + within;
        });
    }

    public static HostTensor Unsqueeze(HostTensor x, IReadOnlyList<long> axes)
    {
        int rank = x.Dims.Length + axes.Count;
        var dims = new List<long>(x.Dims);
        var sorted = axes.Select(a => a < 0 ? a + rank : a).Order();
        foreach (long a in sorted)
        {
            dims.Insert((int)a, 1);
        }

        return x with { Dims = [.. dims] };
    }

    public static HostTensor Squeeze(HostTensor x, IReadOnlyList<long>? axes)
    {
        var dims = new List<long>();
        for (int i = 0; i < x.Dims.Length; i++)
        {
            bool listed = axes is null ? x.Dims[i] == 1 : axes.Contains(i) || axes.Contains(i - x.Dims.Length);
            if (!listed)
            {
                dims.Add(x.Dims[i]);
            }
        }

        return x with { Dims = [.. dims] };
    }

    public static HostTensor? Concat(HostTensor?[] parts, long axisAttribute)
    {
        var first = parts[0]!;
        int axis = (int)(axisAttribute < 0 ? axisAttribute + first.Dims.Length : axisAttribute);
        long outer = ElementwiseOps.Product(first.Dims[..axis]);
        var dims = (long[])first.Dims.Clone();
        dims[axis] = 0;
        var floats = new List<float>();
        var ints = new List<long>();
        foreach (var p in parts)
        {
            if (p is null || p.IsFloat != first.IsFloat || p.Dims.Length != first.Dims.Length)
            {
                return null;
            }

            dims[axis] += p.Dims[axis];
        }

        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long block = ElementwiseOps.Product(p!.Dims[axis..]);
                if (p.Floats is { } f)
                {
                    floats.AddRange(f.AsSpan((int)(o * block), (int)block));
                }
                else
                {
                    ints.AddRange(p.Ints.AsSpan((int)(o * block), (int)block));
                }
            }
        }

        return new(first.Type, dims, first.IsFloat ? null : [.. ints], first.IsFloat ? [.. floats] : null);
    }

    public static HostTensor? Reshape(HostTensor x, long[] target, bool allowZero)
    {
        var dims = (long[])target.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = dims[i] == 0 && !allowZero && i < x.Dims.Length ? x.Dims[i] : dims[i];
            if (dims[i] < 0)
            {
                infer = i;
            }
            else
            {
                known *= dims[i];
            }
        }

        if (infer >= 0)
        {
            dims[infer] = known == 0 ? 0 : x.Count / known;
        }

        return ElementwiseOps.Product(dims) == x.Count ? x with { Dims = dims } : null;
    }

    public static HostTensor Transpose(HostTensor x, IReadOnlyList<long>? perm)
    {
        int rank = x.Dims.Length;
        var order = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            order[i] = perm is null ? rank - 1 - i : (int)perm[i];
        }

        var dims = new long[rank];
        var inputStrides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            inputStrides[i] = stride;
            stride *= x.Dims[i];
        }

        for (int i = 0; i < rank; i++)
        {
            dims[i] = x.Dims[order[i]];
        }

        return x.Gather(dims, flat =>
        {
            long source = 0;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                source += flat % dims[axis] * inputStrides[order[axis]];
                flat /= dims[axis];
            }

            return source;
        });
    }

    // Inputs: data, starts, ends, axes?, steps?; bounds clamp as ONNX specifies.
    public static HostTensor? Slice(HostTensor?[] x)
    {
        var data = x[0]!;
        long[] starts = x[1]!.Ints!, ends = x[2]!.Ints!;
        long[] axes = x.Length > 3 && x[3] is { } a ? a.Ints! : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] steps = x.Length > 4 && x[4] is { } s ? s.Ints! : [.. Enumerable.Repeat(1L, starts.Length)];
        int rank = data.Dims.Length;
        var first = new long[rank];
        var step = new long[rank];
        var dims = (long[])data.Dims.Clone();
        Array.Fill(step, 1);
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
            long size = data.Dims[axis], st = steps[i];
            if (st == 0)
            {
                return null;
            }

            long b = starts[i] < 0 ? starts[i] + size : starts[i], e = ends[i] < 0 ? ends[i] + size : ends[i];
            b = st > 0 ? Math.Clamp(b, 0, size) : Math.Clamp(b, 0, size - 1);
            e = st > 0 ? Math.Clamp(e, 0, size) : Math.Clamp(e, -1, size - 1);
            dims[axis] = Math.Max(0, st > 0 ? (e - b + st - 1) / st : (b - e - st - 1) / -st);
            first[axis] = b;
            step[axis] = st;
        }

        var strides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= data.Dims[i];
        }

        return data.Gather(dims, flat =>
        {
            long source = 0;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                source += (first[axis] + (flat % dims[axis] * step[axis])) * strides[axis];
                flat /= dims[axis];
            }

            return source;
        });
    }
}
