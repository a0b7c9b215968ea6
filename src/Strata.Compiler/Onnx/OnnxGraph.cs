// An ONNX graph (the model's main graph or a subgraph attribute): inputs, outputs, nodes in order, initializers.
namespace Strata.Compiler.Onnx;

/// <summary>A graph (GraphProto), validated: names unique, every node input defined before use, outputs defined.</summary>
/// <param name="Name">graph name</param>
/// <param name="Inputs">graph inputs (initializers may also be listed here, as defaults)</param>
/// <param name="Outputs">graph outputs</param>
/// <param name="Nodes">nodes in topological order</param>
/// <param name="Initializers">constant tensors, by position in the file</param>
/// <param name="ValueInfo">declared types of intermediate values</param>
public sealed record OnnxGraph(string Name, IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers, IReadOnlyList<OnnxValueInfo> ValueInfo)
{
    /// <summary>Finds the initializer called <paramref name="name"/>.</summary>
    public bool TryGetInitializer(string name, out OnnxTensor tensor)
    {
        foreach (var t in Initializers)
        {
            if (t.Name == name)
            {
                tensor = t;
                return true;
            }
        }

        tensor = null!;
        return false;
    }
}
