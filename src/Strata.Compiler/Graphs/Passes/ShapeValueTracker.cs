// Follows shape values through the operators exporters build them with. Algebra (elements are dims):
//   Shape(x)                 → x's dims                      Gather(s, i)           → s[i] (scalar or vector of picks)
//   Unsqueeze(scalar, [0])   → [d]                            Squeeze([d])           → d
//   Concat(s1, s2, …)        → s1 ++ s2 ++ …                  Slice(s, b, e)         → s[b:e]
//   Cast / Identity          → s                              Mul / Div / Add / Sub  → elementwise d·c, d/c (exact), d+c, d−0
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Shape values known so far in a sweep over a graph, by value id.</summary>
internal sealed class ShapeValueTracker(IReadOnlyDictionary<int, TensorData> constants)
{
    private readonly Dictionary<int, ShapeValue> _values = [];

    /// <summary>The shape value <paramref name="value"/> holds: tracked, or a small i64 constant.</summary>
    public bool TryGet(TensorValue? value, out ShapeValue shape)
    {
        shape = null!;
        if (value is null)
        {
            return false;
        }

        if (_values.TryGetValue(value.Id, out shape!))
        {
            return true;
        }

        return constants.TryGetValue(value.Id, out var data) && ShapeValue.FromConstant(data) is { } c && (shape = c) is not null;
    }

    /// <summary>True when <paramref name="value"/> is a tracked shape value that is not a constant.</summary>
    public bool IsTracked(TensorValue? value) => value is not null && _values.ContainsKey(value.Id);

    /// <summary>
    /// The shape value <paramref name="node"/> computes, when it computes one from a tracked (non-constant) shape value or
    /// from its input's shape (Shape); the result is also recorded.
    /// </summary>
    public bool TryTrack(OpNode node, out ShapeValue result)
    {
        result = null!;
        if (node.Domain.Length != 0 || node.Outputs.Count != 1 || !Compute(node, out var computed))
        {
            return false;
        }

        result = computed;
        _values[node.Output.Id] = result;
        return true;
    }

    private bool Compute(OpNode node, out ShapeValue result)
    {
        result = null!;
        if (node.Op == "Shape")
        {
            if (node.Input(0)?.Shape is not { } shape)
            {
                return false;
            }

            var (start, count) = ShapeRules.ShapeRange(node, shape.Rank);
            result = new ShapeValue([.. shape.Dims.Skip(start).Take(count)], false);
            return true;
        }

        bool anyTracked = false;
        foreach (var input in node.Inputs)
        {
            anyTracked |= IsTracked(input);
        }

        if (!anyTracked || !TryGet(node.Input(0), out var s))
        {
            return false;
        }

        ShapeValue? computed = node.Op switch
        {
            "Identity" => s,
            "Cast" => (DType)node.Attributes.Int("to", 0) is DType.I64 or DType.I32 ? s : null,
            "Gather" => Gather(s, node),
            "Unsqueeze" => s.IsScalar ? s with { IsScalar = false } : null,
            "Squeeze" => s.Elements.Length == 1 ? s with { IsScalar = true } : null,
            "Concat" => Concat(node),
            "Slice" => Slice(s, node),
            "Mul" or "Div" or "Add" or "Sub" => Arithmetic(node.Op, s, node),
            _ => null,
        };
        result = computed!;
        return computed is not null;
    }

    private ShapeValue? Gather(ShapeValue s, OpNode node)
    {
        if (s.IsScalar || !ConstantReader.TryLongs(node.Input(1), constants, out long[] indices) || node.Input(1)!.Shape is not { Rank: <= 1 } indexShape)
        {
            return null;
        }

        var picked = new Dim[indices.Length];
        for (int i = 0; i < picked.Length; i++)
        {
            long at = indices[i] < 0 ? indices[i] + s.Elements.Length : indices[i];
            if (at < 0 || at >= s.Elements.Length)
            {
                return null;
            }

            picked[i] = s.Elements[at];
        }

        return new ShapeValue(picked, indexShape.Rank == 0);
    }

    private ShapeValue? Concat(OpNode node)
    {
        var all = new List<Dim>();
        foreach (var input in node.Inputs)
        {
            if (!TryGet(input, out var part) || part.IsScalar)
            {
                return null;
            }

            all.AddRange(part.Elements);
        }

        return new ShapeValue([.. all], false);
    }

    private ShapeValue? Slice(ShapeValue s, OpNode node)
    {
        if (s.IsScalar || !ConstantReader.TryLongs(node.Input(1), constants, out long[] starts) || !ConstantReader.TryLongs(node.Input(2), constants, out long[] ends)
            || starts.Length != 1 || (node.Input(4) is { } steps && !(ConstantReader.TryLongs(steps, constants, out long[] st) && st[0] == 1)))
        {
            return null;
        }

        long size = s.Elements.Length;
        long b = Math.Clamp(starts[0] < 0 ? starts[0] + size : starts[0], 0, size), e = Math.Clamp(ends[0] < 0 ? ends[0] + size : ends[0], 0, size);
        return new ShapeValue(s.Elements[(int)b..(int)Math.Max(b, e)], false);
    }

    private ShapeValue? Arithmetic(string op, ShapeValue a, OpNode node)
    {
        if (!TryGet(node.Input(1), out var b) || (a.Elements.Length != b.Elements.Length && a.Elements.Length != 1 && b.Elements.Length != 1))
        {
            return null;
        }

        int length = Math.Max(a.Elements.Length, b.Elements.Length);
        var elements = new Dim[length];
        for (int i = 0; i < length; i++)
        {
            Dim x = a.Elements[a.Elements.Length == 1 ? 0 : i], y = b.Elements[b.Elements.Length == 1 ? 0 : i];
            elements[i] = op switch
            {
                "Mul" => x.Times(y),
                "Div" => x.TryDivide(y, out var q) ? q : Dim.Unknown,
                "Add" => ShapeRules.Plus(x, y),
                _ => y.IsKnown && y.Factor == 0 ? x : x.IsKnown && y.IsKnown && x.Factor >= y.Factor ? Dim.Of(x.Factor - y.Factor) : Dim.Unknown,
            };
        }

        return new ShapeValue(elements, a.IsScalar && b.IsScalar);
    }
}
