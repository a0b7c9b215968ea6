// Type rules of the operators that move or select data rather than compute it: Reshape, Transpose, (Un)Squeeze, Concat,
// Slice, Range, and the shape inputs they read from constants or from symbolic "<input>_dims" attributes.
namespace Strata.Compiler.Graphs.Passes;

internal static partial class ShapeRules
{
    /// <summary>A shape-like input as dims: a constant (negative entries become unknown dims) or a carried symbolic input.</summary>
    public static bool TryShapeInput(OpNode node, int index, IReadOnlyDictionary<int, TensorData> constants, out Dim[] dims)
    {
        if (SymbolicInputs.TryGet(node, index, out dims))
        {
            return true;
        }

        if (!ConstantReader.TryLongs(node.Input(index), constants, out long[] values))
        {
            return false;
        }

        dims = new Dim[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            dims[i] = values[i] >= 0 ? Dim.Of(values[i]) : Dim.Unknown;
        }

        return true;
    }

    /// <summary>
    /// A shape computed at run time from <paramref name="shapeInput"/> (a 1-D value of fixed length n): rank n, every dim unknown.
    /// </summary>
    private static TensorShape? RankOnly(TensorValue? shapeInput)
    {
        return shapeInput?.Shape is { Rank: 1 } s && s[0].IsKnown ? Unknowns((int)s[0].Factor) : null;
    }

    /// <summary>A shape of <paramref name="rank"/> unknown dims.</summary>
    private static TensorShape Unknowns(int rank)
    {
        var dims = new Dim[rank];
        Array.Fill(dims, Dim.Unknown);
        return new TensorShape(dims);
    }

    /// <summary>The axes [start, end) that Shape (opset 15 attributes) reports.</summary>
    public static (int Start, int Count) ShapeRange(OpNode node, int rank)
    {
        int start = (int)Math.Clamp(Normalize(node.Attributes.Int("start", 0), rank), 0, rank);
        int end = (int)Math.Clamp(Normalize(node.Attributes.Int("end", rank), rank), 0, rank);
        return (start, Math.Max(0, end - start));
    }

    // Target entries: 0 copies the input's dim (unless allowzero), -1 (an unknown dim) is what the element count leaves.
    private static TensorShape? Reshape(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        if (!TryShapeInput(node, 1, constants, out var target))
        {
            return RankOnly(node.Input(1));
        }

        var input = ShapeOf(node, 0);
        bool allowZero = node.Attributes.Int("allowzero", 0) != 0;
        int inferAt = -1;
        var known = Dim.Of(1);
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i].IsKnown && target[i].Factor == 0 && !allowZero)
            {
                target[i] = input is not null && i < input.Rank ? input[i] : Dim.Unknown;
            }

            if (target[i].IsUnknown)
            {
                inferAt = inferAt < 0 ? i : -2;
            }
            else
            {
                known = known.Times(target[i]);
            }
        }

        if (inferAt >= 0 && input is not null && input.ElementCount().TryDivide(known, out var rest))
        {
            target[inferAt] = rest;
        }

        return new TensorShape(target);
    }

    private static TensorShape? Transpose(OpNode node)
    {
        if (ShapeOf(node, 0) is not { } x)
        {
            return null;
        }

        var perm = node.Attributes.Ints("perm");
        if (perm is not null && !IsPermutation(perm, x.Rank))
        {
            throw new CompileException($"perm [{string.Join(", ", perm)}] is not a permutation of the input's {x.Rank} axes");
        }

        var dims = new Dim[x.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = perm is null ? x[x.Rank - 1 - i] : x[(int)perm[i]];
        }

        return new TensorShape(dims);
    }

    private static bool IsPermutation(IReadOnlyList<long> perm, int rank)
    {
        var seen = new bool[rank];
        if (perm.Count != rank)
        {
            return false;
        }

        foreach (long p in perm)
        {
            if (p < 0 || p >= rank || seen[p])
            {
                return false;
            }

            seen[p] = true;
        }

        return true;
    }

    private static bool TryAxes(OpNode node, IReadOnlyDictionary<int, TensorData> constants, out long[] axes)
    {
        if (node.Attributes.Ints("axes") is { } fromAttribute)
        {
            axes = [.. fromAttribute];
            return true;
        }

        axes = [];
        return node.Input(1) is null || ConstantReader.TryLongs(node.Input(1), constants, out axes);
    }

    private static TensorShape? Unsqueeze(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        if (ShapeOf(node, 0) is not { } x || !TryAxes(node, constants, out long[] axes))
        {
            return null;
        }

        int rank = x.Rank + axes.Length;
        var inserted = new bool[rank];
        foreach (long a in axes)
        {
            inserted[Axis(a, rank)] = true;
        }

        var dims = new Dim[rank];
        for (int i = 0, from = 0; i < rank; i++)
        {
            dims[i] = inserted[i] ? Dim.Of(1) : x[from++];
        }

        return new TensorShape(dims);
    }

    private static TensorShape? Squeeze(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        if (ShapeOf(node, 0) is not { } x || !TryAxes(node, constants, out long[] axes))
        {
            return null;
        }

        var dims = new List<Dim>();
        for (int i = 0; i < x.Rank; i++)
        {
            bool listed = axes.Contains(i) || axes.Contains(i - x.Rank);
            if (axes.Length == 0 && x[i].IsUnknown)
            {
                return null;
            }

            if (!(listed || (axes.Length == 0 && x[i] == Dim.Of(1))))
            {
                dims.Add(x[i]);
            }
        }

        return new TensorShape([.. dims]);
    }

    private static TensorShape? Concat(OpNode node)
    {
        if (ShapeOf(node, 0) is not { } first)
        {
            return null;
        }

        int axis = Axis(node.Attributes.Int("axis", 0), first.Rank);
        var dims = first.Dims.ToArray();
        for (int i = 1; i < node.Inputs.Count; i++)
        {
            if (ShapeOf(node, i) is not { } next || next.Rank != first.Rank)
            {
                return null;
            }

            dims[axis] = Plus(dims[axis], next[axis]);
        }

        return new TensorShape(dims);
    }

    /// <summary>a + b when it is a dim: both fixed, one zero, or the same symbols (batch + 2·batch = 3·batch).</summary>
    public static Dim Plus(Dim a, Dim b)
    {
        if (a.IsUnknown || b.IsUnknown)
        {
            return Dim.Unknown;
        }

        if (a.Factor == 0 || b.Factor == 0)
        {
            return a.Factor == 0 ? b : a;
        }

        return a.Symbols == b.Symbols ? Dim.Of(a.Factor + b.Factor).Times(SymbolicInputs.Parse(a.Symbols.Length == 0 ? "1" : a.Symbols)) : Dim.Unknown;
    }

    private static TensorShape? Slice(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        if (ShapeOf(node, 0) is not { } x)
        {
            return null;
        }

        if (!ConstantReader.TryLongs(node.Input(1), constants, out long[] starts))
        {
            return Unknowns(x.Rank);
        }

        bool symbolicEnds = SymbolicInputs.TryGet(node, 2, out var endDims);
        long[] ends = [];
        if (!symbolicEnds && !ConstantReader.TryLongs(node.Input(2), constants, out ends))
        {
            return null;
        }

        long[] axes = [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] steps = [.. Enumerable.Repeat(1L, starts.Length)];
        if ((node.Input(3) is { } a && !ConstantReader.TryLongs(a, constants, out axes)) || (node.Input(4) is { } s && !ConstantReader.TryLongs(s, constants, out steps)))
        {
            return null;
        }

        var dims = x.Dims.ToArray();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(axes[i], x.Rank);
            dims[axis] = symbolicEnds ? SymbolicSlice(dims[axis], starts[i], endDims[i], steps[i]) : SliceDim(dims[axis], starts[i], ends[i], steps[i]);
        }

        return new TensorShape(dims);
    }

    // ONNX Slice: negative bounds count from the end, then clamp to the axis; the length is ceil((end - start) / step).
    private static Dim SliceDim(Dim dim, long start, long end, long step)
    {
        if (!dim.IsKnown)
        {
            return start == 0 && step == 1 && end >= int.MaxValue ? dim : Dim.Unknown;
        }

        long size = dim.Factor;
        start = start < 0 ? start + size : start;
        end = end < 0 ? end + size : end;
        start = step > 0 ? Math.Clamp(start, 0, size) : Math.Clamp(start, 0, size - 1);
        end = step > 0 ? Math.Clamp(end, 0, size) : Math.Clamp(end, -1, size - 1);
        long length = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
        return Dim.Of(Math.Max(0, length));
    }

    // A symbolic end within the axis (position ids [0, sequence) of a 512-long table): the slice is that long.
    private static Dim SymbolicSlice(Dim dim, long start, Dim end, long step) =>
        start == 0 && step == 1 && !end.IsUnknown && (end == dim || dim.IsKnown) ? end : Dim.Unknown;

    private static TensorShape? Range(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        bool constant = ConstantReader.TryLongs(node.Input(0), constants, out long[] start) & ConstantReader.TryLongs(node.Input(2), constants, out long[] delta);
        if (constant && SymbolicInputs.TryGet(node, 1, out var limit) && start[0] == 0 && delta[0] == 1)
        {
            return new TensorShape(limit[0]);
        }

        if (constant && ConstantReader.TryLongs(node.Input(1), constants, out long[] end) && delta[0] != 0)
        {
            return TensorShape.Of(Math.Max(0, (end[0] - start[0] + delta[0] - Math.Sign(delta[0])) / delta[0]));
        }

        return new TensorShape(Dim.Unknown);
    }
}
