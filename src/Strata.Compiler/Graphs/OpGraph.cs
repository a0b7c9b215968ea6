// A typed dataflow graph: inputs, outputs, nodes in a valid execution order, and the constants some values hold.
using System.Text;

namespace Strata.Compiler.Graphs;

/// <summary>
/// An immutable graph. Every node input is a graph input, a constant, or an earlier node's output. Constants (initializers
/// and folded values) are values with data in <see cref="Constants"/>; they are not produced by a node. A constant in
/// <see cref="ConstantValues"/> without data is an external weight (a GGUF decoder's tensor): its type and shape are known,
/// its bytes stay in the model file and are bound by name when the executable is loaded.
/// </summary>
/// <param name="Name">model name, for logs</param>
/// <param name="Inputs">graph inputs (fed at run time)</param>
/// <param name="Outputs">graph outputs</param>
/// <param name="Nodes">nodes in execution order</param>
/// <param name="Constants">value id → data, for the constant values nodes read</param>
/// <param name="ConstantValues">value id → value, for the constants (their type and shape), external weights included</param>
/// <param name="Opsets">operator domain → opset version the graph was written against ("" is ONNX's default domain)</param>
/// <param name="NextId">an id no value of the graph uses yet</param>
public sealed record OpGraph(
    string Name,
    IReadOnlyList<TensorValue> Inputs,
    IReadOnlyList<TensorValue> Outputs,
    IReadOnlyList<OpNode> Nodes,
    IReadOnlyDictionary<int, TensorData> Constants,
    IReadOnlyDictionary<int, TensorValue> ConstantValues,
    IReadOnlyDictionary<string, long> Opsets,
    int NextId)
{
    /// <summary>The data of <paramref name="value"/> when it is a constant.</summary>
    public bool TryGetConstant(TensorValue? value, out TensorData data)
    {
        if (value is not null && Constants.TryGetValue(value.Id, out var found))
        {
            data = found;
            return true;
        }

        data = null!;
        return false;
    }

    /// <summary>Canonical text of the graph: inputs, constants (type and shape), nodes, outputs; enters the executable hash.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var v in Inputs)
        {
            text.Append("input ").Append(v).AppendLine();
        }

        foreach (var v in new SortedDictionary<int, TensorValue>(ConstantValues.ToDictionary()).Values)
        {
            text.Append("const ").Append(v).Append(' ').Append(v.Name).AppendLine();
        }

        foreach (var node in Nodes)
        {
            text.AppendLine(node.ToString());
        }

        foreach (var v in Outputs)
        {
            text.Append("output ").Append(v).AppendLine();
        }

        return text.ToString();
    }
}
