// Pass: evaluates nodes whose inputs are all constants, and folds symbolic shape arithmetic.
//
// One sweep in execution order, inferring types as it goes (a folded Reshape target gives the next Shape its input's dims):
//  1. a node whose inputs are all small constants is evaluated (ConstantEvaluator) and its outputs become constants;
//  2. a node computing a "shape value" (ShapeValueTracker: Shape → Gather → Unsqueeze → Concat …) is tracked; when all its
//     elements are fixed numbers it becomes a constant, else it stays (until nothing uses it);
//  3. a Reshape / Expand / ConstantOfShape / Slice / Range input that is a symbolic shape value is replaced by null and its
//     dims are carried as the attribute "<input>_dims" (see SymbolicInputs); the node's output shape is then known
//     symbolically, and the Shape → … → Concat chain that computed the input is dead (DeadCodeElimination removes it).
// In a carried Reshape target "?" means -1: the dim the element count leaves (the output shape states it).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Constant folding with symbolic shape arithmetic.</summary>
public static class ConstantFolding
{
    /// <summary>The pass name in the log.</summary>
    public const string PassName = "constant-folding";

    /// <summary>The folded graph.</summary>
    public static OpGraph Run(OpGraph graph, CompileLog log)
    {
        var constants = new Dictionary<int, TensorData>(graph.Constants);
        var constantValues = new Dictionary<int, TensorValue>(graph.ConstantValues);
        var current = new ValueMap(graph);
        var shapes = new ShapeValueTracker(constants);
        var nodes = new List<OpNode>(graph.Nodes.Count);
        var folded = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var carried = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var original in graph.Nodes)
        {
            var node = current.Refresh(original);
            if (TryFold(node, shapes, constants, out var outputs))
            {
                for (int i = 0; i < outputs.Length; i++)
                {
                    var value = node.Outputs[i].With(outputs[i].Type, outputs[i].Shape);
                    constants[value.Id] = outputs[i];
                    constantValues[value.Id] = value;
                    current.Set(value);
                }

                Count(folded, node.Op);
                continue;
            }

            node = CarrySymbolicInputs(node, shapes, carried);
            current.Infer(ref node, constants);
            nodes.Add(node);
        }

        log.Write(PassName, $"folded {folded.Values.Sum()} nodes into constants ({Text(folded)}); "
            + $"{carried.Values.Sum()} shape inputs carried symbolically ({Text(carried)}); {nodes.Count} nodes remain");
        return graph with { Nodes = nodes, Outputs = current.Refresh(graph.Outputs), Constants = constants, ConstantValues = constantValues };
    }

    private static bool TryFold(OpNode node, ShapeValueTracker shapes, Dictionary<int, TensorData> constants, out TensorData[] outputs)
    {
        if (ConstantEvaluator.TryEvaluate(node, constants, out outputs))
        {
            return true;
        }

        if (shapes.TryTrack(node, out var shape) && shape.IsFixed)
        {
            outputs = [shape.ToData()];
            return true;
        }

        return false;
    }

    private static OpNode CarrySymbolicInputs(OpNode node, ShapeValueTracker shapes, SortedDictionary<string, int> carried)
    {
        if (node.Domain.Length != 0)
        {
            return node;
        }

        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (SymbolicInputs.InputName(node, i) is not null && shapes.IsTracked(node.Inputs[i]) && shapes.TryGet(node.Inputs[i], out var shape)
                && (shape.IsSymbolic || (node.Op == "Reshape" && shape.Elements.Count(e => e.IsUnknown) == 1)))
            {
                node = SymbolicInputs.Carry(node, i, shape.Elements);
                Count(carried, node.Op);
            }
        }

        return node;
    }

    private static void Count(SortedDictionary<string, int> counts, string op) => counts[op] = counts.GetValueOrDefault(op) + 1;

    private static string Text(SortedDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
