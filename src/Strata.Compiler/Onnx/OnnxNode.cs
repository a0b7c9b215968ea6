// One operator application of an ONNX graph: op type and domain, named inputs and outputs, typed attributes.
namespace Strata.Compiler.Onnx;

/// <summary>A graph node (NodeProto). Unknown operators are kept as they are: the partitioner decides where they run.</summary>
/// <param name="Name">node name (may be empty)</param>
/// <param name="OpType">operator, e.g. "MatMul"</param>
/// <param name="Domain">operator domain; empty for the default domain ai.onnx</param>
/// <param name="Inputs">input value names in operator order; an empty name is an omitted optional input</param>
/// <param name="Outputs">output value names; an empty name is an omitted optional output</param>
/// <param name="Attributes">attributes in file order</param>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes)
{
    /// <summary>Finds the attribute called <paramref name="name"/>.</summary>
    public bool TryGetAttribute(string name, out OnnxAttribute attribute)
    {
        foreach (var a in Attributes)
        {
            if (a.Name == name)
            {
                attribute = a;
                return true;
            }
        }

        attribute = null!;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{OpType} '{Name}'";
}
