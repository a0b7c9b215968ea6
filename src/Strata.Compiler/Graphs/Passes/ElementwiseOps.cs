// Elementwise operators of the constant evaluator, with numpy broadcasting: integers stay exact in longs, floats in floats.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Unary, binary and Where over <see cref="HostTensor"/>s.</summary>
internal static class ElementwiseOps
{
    public static HostTensor? Binary(string op, HostTensor a, HostTensor b)
    {
        if (a.IsFloat != b.IsFloat || BroadcastDims(a.Dims, b.Dims) is not { } dims)
        {
            return null;
        }

        if (op == "Div" && b.Ints is { } divisors && Array.IndexOf(divisors, 0L) >= 0)
        {
            return null;
        }

        bool compare = op is "Equal" or "Less" or "Greater";
        long count = Product(dims);
        if (a.IsFloat && !compare)
        {
            var floats = new float[count];
            for (long i = 0; i < count; i++)
            {
                floats[i] = Apply(op, a.Floats![Source(dims, a.Dims, i)], b.Floats![Source(dims, b.Dims, i)]);
            }

            return new(DType.F32, dims, null, floats);
        }

        var ints = new long[count];
        for (long i = 0; i < count; i++)
        {
            long ia = Source(dims, a.Dims, i), ib = Source(dims, b.Dims, i);
            ints[i] = a.IsFloat ? Compare(op, a.Floats![ia], b.Floats![ib]) : Apply(op, a.Ints![ia], b.Ints![ib]);
        }

        return new(compare ? DType.Bool : a.Type, dims, ints, null);
    }

    public static HostTensor? Where(HostTensor condition, HostTensor x, HostTensor y)
    {
        if (x.IsFloat != y.IsFloat || BroadcastDims(condition.Dims, x.Dims) is not { } cx || BroadcastDims(cx, y.Dims) is not { } dims)
        {
            return null;
        }

        long count = Product(dims);
        var floats = x.IsFloat ? new float[count] : null;
        var ints = x.IsFloat ? null : new long[count];
        for (long i = 0; i < count; i++)
        {
            bool pick = condition.Ints![Source(dims, condition.Dims, i)] != 0;
            var from = pick ? x : y;
            long at = Source(dims, from.Dims, i);
            if (floats is not null)
            {
                floats[i] = from.Floats![at];
            }
            else
            {
                ints![i] = from.Ints![at];
            }
        }

        return new(x.Type, dims, ints, floats);
    }

    public static HostTensor? Unary(string op, HostTensor x)
    {
        if (op == "Not")
        {
            if (x.Ints is null)
            {
                return null;
            }

            var bools = new long[x.Count];
            for (int i = 0; i < bools.Length; i++)
            {
                bools[i] = x.Ints![i] == 0 ? 1 : 0;
            }

            return new(DType.Bool, x.Dims, bools, null);
        }

        if (!x.IsFloat)
        {
            return op switch
            {
                "Neg" => Map(x, v => -v),
                "Abs" => Map(x, Math.Abs),
                _ => null,
            };
        }

        var floats = new float[x.Count];
        for (int i = 0; i < floats.Length; i++)
        {
            float v = x.Floats![i];
            floats[i] = op switch
            {
                "Sqrt" => MathF.Sqrt(v),
                "Neg" => -v,
                "Abs" => MathF.Abs(v),
                "Reciprocal" => 1 / v,
                "Exp" => MathF.Exp(v),
                _ => MathF.Log(v),
            };
        }

        return new(x.Type, x.Dims, null, floats);
    }

    private static HostTensor Map(HostTensor x, Func<long, long> f)
    {
        var ints = new long[x.Count];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = f(x.Ints![i]);
        }

        return new(x.Type, x.Dims, ints, null);
    }

    private static float Apply(string op, float a, float b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Pow" => MathF.Pow(a, b),
        "Max" => MathF.Max(a, b),
        _ => MathF.Min(a, b),
    };

    // Integer division truncates toward zero, as ONNX Runtime's Div on integers does.
    private static long Apply(string op, long a, long b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / b,
        "Pow" => (long)Math.Pow(a, b),
        "Equal" => a == b ? 1 : 0,
        "Less" => a < b ? 1 : 0,
        "Greater" => a > b ? 1 : 0,
        "Max" => Math.Max(a, b),
        _ => Math.Min(a, b),
    };

    private static long Compare(string op, float a, float b) => op switch
    {
        "Equal" => a == b ? 1 : 0,
        "Less" => a < b ? 1 : 0,
        _ => a > b ? 1 : 0,
    };

    /// <summary>The broadcast of two fixed shapes, or null when they do not broadcast.</summary>
    public static long[]? BroadcastDims(long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            long db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            dims[i] = da == 1 ? db : da;
        }

        return dims;
    }

    /// <summary>The flat index in an input of shape <paramref name="inputDims"/> that broadcasts to output element <paramref name="index"/>.</summary>
    public static long Source(long[] outputDims, long[] inputDims, long index)
    {
        long source = 0, stride = 1;
        for (int axis = outputDims.Length - 1, inAxis = inputDims.Length - 1; inAxis >= 0; axis--, inAxis--)
        {
            long coordinate = index % outputDims[axis];
            index /= outputDims[axis];
            source += inputDims[inAxis] == 1 ? 0 : coordinate * stride;
            stride *= inputDims[inAxis];
        }

        return source;
    }

    public static long Product(long[] dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        return count;
    }
}
