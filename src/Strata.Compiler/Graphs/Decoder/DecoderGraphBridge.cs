// The decoder builders' graph (Ir) as a typed OpGraph and back, exactly: activation ids, names and order are kept; each
// weight becomes one external constant (its GGML type and shape, no data) read as the last input of every node that uses it;
// the token ids become the graph input "tokens". ToDecoder(FromDecoder(g)).ToText() == g.ToText().
using Strata.Compiler.Ir;

namespace Strata.Compiler.Graphs.Decoder;

/// <summary>Ir.Graph ↔ OpGraph.</summary>
public static class DecoderGraphBridge
{
    /// <summary>The name of the token-id graph input ([tokens], i32) that Embed reads.</summary>
    public const string TokensInput = "tokens";

    /// <summary>
    /// The typed graph of <paramref name="graph"/>: values f32 [tokens | outputs, width] (a side effect's token f32 []),
    /// weights external constants.
    /// </summary>
    /// <exception cref="CompileException">a value is used before it is defined or defined twice, the output is never defined,
    /// or one weight name is read with two types or shapes</exception>
    public static OpGraph FromDecoder(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int nextId = 0;
        foreach (var node in graph.Nodes)
        {
            nextId = Math.Max(nextId, node.Output.Id + 1);
        }

        var tokens = new TensorValue(nextId++, TokensInput, DType.I32, new TensorShape(Dim.Symbol(DecoderOps.TokenRows)));
        var defined = new Dictionary<int, TensorValue>();
        var weights = new Dictionary<string, (WeightRef Ref, TensorValue Value)>(StringComparer.Ordinal);
        var nodes = new List<OpNode>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            var inputs = new List<TensorValue?>(node.Inputs.Count + 2);
            if (node.Op == OpKind.Embed)
            {
                inputs.Add(tokens);
            }

            foreach (var input in node.Inputs)
            {
                inputs.Add(defined.TryGetValue(input.Id, out var v) ? v : throw Problem(node, $"input {input} is used before it is defined"));
            }

            if (node.Weight is { } w)
            {
                inputs.Add(WeightValue(w, weights, ref nextId, node));
            }

            var output = ValueOf(node.Output);
            if (!defined.TryAdd(output.Id, output))
            {
                throw Problem(node, "defines a value that is already defined");
            }

            var attributes = DecoderAttributes.ToSet(node.Attributes);
            if (node.Op == OpKind.Slice)
            {
                attributes = attributes.With("width", AttributeValue.Of((long)node.Output.Width));
            }

            var (domain, op) = DecoderOpTable.OperatorOf(node.Op);
            nodes.Add(new OpNode(node.Output.Name, op, domain, inputs, [output], attributes));
        }

        var result = defined.TryGetValue(graph.Output.Id, out var o) ? o
            : throw new CompileException($"graph '{graph.Name}': output {graph.Output} is never defined");
        var constantValues = weights.Values.ToDictionary(w => w.Value.Id, w => w.Value);
        return new OpGraph(graph.Name, [tokens], [result], nodes, new Dictionary<int, TensorData>(), constantValues, Opsets(), nextId);
    }

    /// <summary>The opsets of a decoder graph: ONNX's default domain (its Add) and Strata's.</summary>
    public static Dictionary<string, long> Opsets() => new(StringComparer.Ordinal) { [string.Empty] = 17, [StrataOps.Domain] = 1 };

    /// <summary>
    /// The external constant (no data) of weight <paramref name="w"/>: its GGML type, shape [cols] for a vector (Rows = 1),
    /// [rows, cols] for a matrix, [slices, rows, cols] for stacked expert matrices.
    /// </summary>
    public static TensorValue WeightConstant(WeightRef w, int id)
    {
        ArgumentNullException.ThrowIfNull(w);
        var shape = w.Slices != 1 ? TensorShape.Of(w.Slices, w.Rows, w.Cols) : w.Rows == 1 ? TensorShape.Of(w.Cols) : TensorShape.Of(w.Rows, w.Cols);
        return new TensorValue(id, w.Name, GgmlDTypes.FromGgml(w.Type), shape);
    }

    /// <summary>The decoder graph of <paramref name="graph"/> (one the decoder runner can execute).</summary>
    /// <exception cref="CompileException">a node is not a decoder op, reads two weights, or a value is not [rows, width] or a side-effect token</exception>
    public static Graph ToDecoder(OpGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var graphInputs = new HashSet<int>(graph.Inputs.Select(v => v.Id));
        var values = new Dictionary<int, Value>();
        var nodes = new List<Node>(graph.Nodes.Count);
        foreach (var node in graph.Nodes)
        {
            if (!DecoderOpTable.TryKindOf(node, out var kind) || node.Outputs.Count != 1)
            {
                throw new CompileException($"node '{node.Name}' ({node.Domain}.{node.Op}) is not an operator the decoder runner executes");
            }

            var inputs = new List<Value>(node.Inputs.Count);
            WeightRef? weight = null;
            foreach (var input in node.Inputs)
            {
                if (input is null || graphInputs.Contains(input.Id))
                {
                    continue;
                }

                if (graph.ConstantValues.TryGetValue(input.Id, out var constant))
                {
                    weight = weight is null ? WeightOf(constant) : throw new CompileException($"node '{node.Name}' ({node.Op}) reads two weights");
                    continue;
                }

                inputs.Add(values.TryGetValue(input.Id, out var v) ? v : DecoderValueOf(input));
            }

            var output = DecoderValueOf(node.Output);
            if (kind == OpKind.Add && (inputs.Count != 2 || inputs[0].Width != output.Width || inputs[1].Width != output.Width))
            {
                // ONNX's Add broadcasts, and shape inference leaves a mismatch unknown; the decoder's Add is row-wise.
                throw new CompileException($"node '{node.Name}' (Add): operands {string.Join(", ", inputs)} are not {output.Width} wide like its output");
            }

            values[output.Id] = output;
            nodes.Add(new Node(kind, inputs, output, weight, DecoderAttributes.FromSet(node.Attributes)));
        }

        var logits = graph.Outputs.Count == 1 ? graph.Outputs[0] : throw new CompileException($"graph '{graph.Name}' has {graph.Outputs.Count} outputs; a decoder has one (the logits)");
        return new Graph(graph.Name, nodes, values.TryGetValue(logits.Id, out var l) ? l : DecoderValueOf(logits));
    }

    private static TensorValue ValueOf(Value value) => value.Rows switch
    {
        RowSpace.None => new TensorValue(value.Id, value.Name, DType.F32, TensorShape.Scalar),
        _ => new TensorValue(value.Id, value.Name, DType.F32,
            new TensorShape(Dim.Symbol(value.Rows == RowSpace.Tokens ? DecoderOps.TokenRows : DecoderOps.OutputRows), Dim.Of(value.Width))),
    };

    private static Value DecoderValueOf(TensorValue value)
    {
        if (value.Shape is { Rank: 0 })
        {
            return new Value(value.Id, value.Name, 0, RowSpace.None);
        }

        if (value.Shape is not { Rank: 2 } shape || !shape[1].IsKnown || shape[0].IsKnown || shape[0].Factor != 1
            || shape[0].Symbols is not (DecoderOps.TokenRows or DecoderOps.OutputRows))
        {
            throw new CompileException($"value '{value.Name}' {value} is not [{DecoderOps.TokenRows} | {DecoderOps.OutputRows}, width]");
        }

        return new Value(value.Id, value.Name, checked((int)shape[1].Factor), shape[0].Symbols == DecoderOps.TokenRows ? RowSpace.Tokens : RowSpace.Outputs);
    }

    private static TensorValue WeightValue(WeightRef w, Dictionary<string, (WeightRef Ref, TensorValue Value)> weights, ref int nextId, Node node)
    {
        if (weights.TryGetValue(w.Name, out var known))
        {
            return known.Ref == w ? known.Value : throw Problem(node, $"reads weight {w}, which another node reads as {known.Ref}");
        }

        var value = WeightConstant(w, nextId++);
        weights[w.Name] = (w, value);
        return value;
    }

    private static WeightRef WeightOf(TensorValue constant)
    {
        if (!GgmlDTypes.TryToGgml(constant.Type, out var type) || constant.Shape is not { IsKnown: true, Rank: >= 1 and <= 3 } shape)
        {
            throw new CompileException($"constant '{constant.Name}' {constant} is not a GGML weight (a computable type, 1 to 3 fixed dims)");
        }

        long[] d = shape.Sizes();
        return d.Length switch
        {
            1 => new WeightRef(constant.Name, type, 1, checked((int)d[0])),
            2 => new WeightRef(constant.Name, type, checked((int)d[0]), checked((int)d[1])),
            _ => new WeightRef(constant.Name, type, checked((int)d[1]), checked((int)d[2])) { Slices = checked((int)d[0]) },
        };
    }

    private static CompileException Problem(Node node, string problem) => new($"node '{node.Output.Name}' ({node.Op}): {problem}");
}
