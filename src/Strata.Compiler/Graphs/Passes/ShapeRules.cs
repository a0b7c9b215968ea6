// The type rules: for each supported ONNX operator (opset 13 semantics, earlier attribute forms too) and each of Strata's
// fused and decoder operators, the element type and symbolic shape of its outputs from those of its inputs. Unknown operators
// have no rule.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Per-operator output type inference over symbolic shapes.</summary>
internal static partial class ShapeRules
{
    /// <summary>The types of <paramref name="node"/>'s outputs; false when no rule knows the operator.</summary>
    /// <param name="node">the node, its inputs carrying their current types</param>
    /// <param name="constants">constant data by value id (shape inputs such as Reshape's are read from it)</param>
    /// <param name="outputs">one type per output</param>
    /// <exception cref="CompileException">the node's attributes or constant inputs contradict its inputs' shapes (an axis out of range)</exception>
    public static bool TryInfer(OpNode node, IReadOnlyDictionary<int, TensorData> constants, out ValueType[] outputs)
    {
        outputs = [];
        ValueType? single;
        try
        {
            single = node.Domain switch
            {
                StrataOps.Domain => Strata(node),
                "" or "ai.onnx" => Onnx(node, constants),
                _ => null,
            };
        }
        catch (CompileException e)
        {
            throw new CompileException($"{node.Op} node '{node.Name}' cannot be typed: {e.Message}", e);
        }

        if (single is { } one)
        {
            outputs = new ValueType[node.Outputs.Count];
            outputs[0] = one;
            for (int i = 1; i < outputs.Length; i++)
            {
                outputs[i] = ExtraOutput(node, i, one);
            }

            return true;
        }

        return false;
    }

    private static ValueType? Strata(OpNode node) => node.Op switch
    {
        StrataOps.LayerNorm or StrataOps.Gelu => Same(node, 0),
        StrataOps.Attention => node.Input(1) is null && ShapeOf(node, 0) is { Rank: > 0 } qkv ? new(TypeOf(node, 0), Replace(qkv, qkv.Rank - 1, PackedWidth(node, qkv[-1])))
            : Same(node, 0),
        StrataOps.Dense => new(TypeOf(node, 0), ShapeOf(node, 0) is { Rank: > 0 } x && ShapeOf(node, 1) is { Rank: 2 } w
            ? Replace(x, x.Rank - 1, DenseOutputs(node, x, w)) : null),
        _ => Decoder(node),
    };

    // An attention reading q | k | v from one value's rows (FuseQkv): each is a third of its last dim.
    private static Dim PackedWidth(OpNode node, Dim width)
    {
        Check(!width.IsKnown || width.Factor % 3 == 0, node, $"packed q, k and v {width} wide, not a multiple of 3");
        return width.IsKnown ? Dim.Of(width.Factor / 3) : Dim.Unknown;
    }

    // A Dense whose x is not K wide (x's last dim against w [N, K], where both are fixed), or whose declared output has another
    // width than N, is a compiler bug: FuseDense and the decoder builders check both before they emit one.
    private static Dim DenseOutputs(OpNode node, TensorShape x, TensorShape w)
    {
        Check(!x[-1].IsKnown || !w[1].IsKnown || x[-1] == w[1], node, $"x {x} is not {w[1]} wide, as w {w} needs");
        Check(node.Output.Shape is not { Rank: > 0 } declared || !declared[-1].IsKnown || !w[0].IsKnown || declared[-1] == w[0], node,
            $"declares {node.Output.Shape}, w {w} gives {w[0]} columns");
        return w[0];
    }

    private static ValueType? Onnx(OpNode node, IReadOnlyDictionary<int, TensorData> constants) => node.Op switch
    {
        "Sqrt" or "Erf" or "Tanh" or "Relu" or "Sigmoid" or "Neg" or "Exp" or "Log" or "Abs" or "Reciprocal" or "Floor" or "Ceil"
            or "Identity" or "Softmax" or "LogSoftmax" or "Dropout" or "LayerNormalization" or "Gelu" or "Sin" or "Cos" or "Sign" => Same(node, 0),
        "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Mod" => new(TypeOf(node, 0), Elementwise(node, 0)),
        "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "And" or "Or" or "Xor" => new(DType.Bool, Elementwise(node, 0)),
        "Not" => new(DType.Bool, ShapeOf(node, 0)),
        "Where" => new(TypeOf(node, 1), Elementwise(node, 0)),
        "Cast" => new((DType)node.Attributes.Int("to", 0), ShapeOf(node, 0)),
        "MatMul" => new(TypeOf(node, 0), MatMul(ShapeOf(node, 0), ShapeOf(node, 1))),
        "Gemm" => new(TypeOf(node, 0), Gemm(node)),
        "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL2" => new(TypeOf(node, 0), Reduce(node, constants)),
        "Gather" => new(TypeOf(node, 0), Gather(node)),
        "Shape" => new(DType.I64, ShapeOf(node, 0) is { } s ? TensorShape.Of(ShapeRange(node, s.Rank).Count) : null),
        "Size" => new(DType.I64, TensorShape.Scalar),
        "Reshape" => new(TypeOf(node, 0), Reshape(node, constants)),
        "Transpose" => new(TypeOf(node, 0), Transpose(node)),
        "Unsqueeze" => new(TypeOf(node, 0), Unsqueeze(node, constants)),
        "Squeeze" => new(TypeOf(node, 0), Squeeze(node, constants)),
        "Concat" => new(TypeOf(node, 0), Concat(node)),
        "Slice" => new(TypeOf(node, 0), Slice(node, constants)),
        "Expand" => new(TypeOf(node, 0), TryShapeInput(node, 1, constants, out var target) ? Broadcast.Shapes(ShapeOf(node, 0), new TensorShape(target)) : null),
        "ConstantOfShape" => new(ConstantOfShapeType(node), TryShapeInput(node, 0, constants, out var dims) ? new TensorShape(dims) : RankOnly(node.Input(0))),
        "Range" => new(TypeOf(node, 0), Range(node, constants)),
        "Flatten" => new(TypeOf(node, 0), Flatten(node)),
        _ => null,
    };

    // Second and later outputs: Dropout's mask, LayerNormalization's mean and inverse deviation.
    private static ValueType ExtraOutput(OpNode node, int index, ValueType first) => node.Op switch
    {
        "Dropout" => new(DType.Bool, first.Shape),
        "LayerNormalization" when first.Shape is { } x => new(DType.F32, ReducedFrom(x, Axis(node.Attributes.Int("axis", -1), x.Rank))),
        _ => new(DType.Unknown, null),
    };

    private static TensorShape ReducedFrom(TensorShape x, int axis)
    {
        var dims = x.Dims.ToArray();
        for (int i = axis; i < dims.Length; i++)
        {
            dims[i] = Dim.Of(1);
        }

        return new TensorShape(dims);
    }

    private static ValueType Same(OpNode node, int index) => new(TypeOf(node, index), ShapeOf(node, index));

    private static DType TypeOf(OpNode node, int index) => node.Input(index)?.Type ?? DType.Unknown;

    private static TensorShape? ShapeOf(OpNode node, int index) => node.Input(index)?.Shape;

    private static TensorShape? Elementwise(OpNode node, int first)
    {
        var shapes = new TensorShape?[node.Inputs.Count - first];
        for (int i = 0; i < shapes.Length; i++)
        {
            shapes[i] = ShapeOf(node, first + i);
        }

        return Broadcast.Shapes(shapes);
    }

    private static TensorShape Replace(TensorShape shape, int axis, Dim dim)
    {
        var dims = shape.Dims.ToArray();
        dims[axis] = dim;
        return new TensorShape(dims);
    }

    private static long Normalize(long axis, int rank) => axis < 0 ? axis + rank : axis;

    // ONNX axes lie in [-rank, rank); negative ones count from the end. A model naming another axis is malformed.
    private static int Axis(long axis, int rank) =>
        axis >= -rank && axis < rank ? (int)Normalize(axis, rank) : throw new CompileException($"axis {axis} is outside [-{rank}, {rank})");

    private static TensorShape? MatMul(TensorShape? a, TensorShape? b)
    {
        if (a is null || b is null || a.Rank == 0 || b.Rank == 0)
        {
            return null;
        }

        var left = a.Rank == 1 ? new TensorShape(Dim.Of(1), a[0]) : a;
        var right = b.Rank == 1 ? new TensorShape(b[0], Dim.Of(1)) : b;
        var batch = Broadcast.Shapes(new TensorShape([.. left.Dims.Take(left.Rank - 2)]), new TensorShape([.. right.Dims.Take(right.Rank - 2)]))!;
        var dims = new List<Dim>(batch.Dims);
        if (a.Rank > 1)
        {
            dims.Add(left[-2]);
        }

        if (b.Rank > 1)
        {
            dims.Add(right[-1]);
        }

        return new TensorShape([.. dims]);
    }

    private static TensorShape? Gemm(OpNode node)
    {
        if (ShapeOf(node, 0) is not { Rank: 2 } a || ShapeOf(node, 1) is not { Rank: 2 } b)
        {
            return null;
        }

        return new TensorShape(node.Attributes.Int("transA", 0) != 0 ? a[1] : a[0], node.Attributes.Int("transB", 0) != 0 ? b[0] : b[1]);
    }

    private static TensorShape? Reduce(OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        if (ShapeOf(node, 0) is not { } x)
        {
            return null;
        }

        IReadOnlyList<long>? axes = node.Attributes.Ints("axes");
        if (axes is null && node.Input(1) is { } axesInput)
        {
            if (!ConstantReader.TryLongs(axesInput, constants, out long[] fromInput))
            {
                return null;
            }

            axes = fromInput;
        }

        bool keep = node.Attributes.Int("keepdims", 1) != 0;
        var dims = new List<Dim>();
        for (int i = 0; i < x.Rank; i++)
        {
            bool reduced = axes is null || axes.Count == 0 || axes.Contains(i) || axes.Contains(i - x.Rank);
            if (!reduced || keep)
            {
                dims.Add(reduced ? Dim.Of(1) : x[i]);
            }
        }

        return new TensorShape([.. dims]);
    }

    private static TensorShape? Gather(OpNode node)
    {
        if (ShapeOf(node, 0) is not { } data || ShapeOf(node, 1) is not { } indices || data.Rank == 0)
        {
            return null;
        }

        int axis = Axis(node.Attributes.Int("axis", 0), data.Rank);
        var dims = new List<Dim>(data.Dims.Take(axis));
        dims.AddRange(indices.Dims);
        dims.AddRange(data.Dims.Skip(axis + 1));
        return new TensorShape([.. dims]);
    }

    private static TensorShape? Flatten(OpNode node)
    {
        if (ShapeOf(node, 0) is not { } x)
        {
            return null;
        }

        // Flatten's axis may also be rank itself (everything in the first dim).
        int axis = node.Attributes.Int("axis", 1) == x.Rank ? x.Rank : Axis(node.Attributes.Int("axis", 1), x.Rank);
        return new TensorShape(new TensorShape([.. x.Dims.Take(axis)]).ElementCount(), new TensorShape([.. x.Dims.Skip(axis)]).ElementCount());
    }

    private static DType ConstantOfShapeType(OpNode node) =>
        node.Attributes.TryGet("value", out var v) && v.Tensor is { } t ? t.Type : DType.F32;
}
