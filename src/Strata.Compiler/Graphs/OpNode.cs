// One immutable node of a graph: an operator (ONNX's or one of Strata's fused ops) over input values, producing outputs.
using System.Text;

namespace Strata.Compiler.Graphs;

/// <summary>A graph node.</summary>
/// <param name="Name">node name from the source model (may be empty), for logs</param>
/// <param name="Op">operator, e.g. "MatMul" or <see cref="StrataOps.Dense"/></param>
/// <param name="Domain">operator domain: "" for ONNX's default (ai.onnx), <see cref="StrataOps.Domain"/> for fused ops, else a foreign domain</param>
/// <param name="Inputs">inputs in operator order; null for an omitted optional input</param>
/// <param name="Outputs">outputs in operator order</param>
/// <param name="Attributes">attributes</param>
public sealed record OpNode(string Name, string Op, string Domain, IReadOnlyList<TensorValue?> Inputs, IReadOnlyList<TensorValue> Outputs, AttributeSet Attributes)
{
    /// <summary>The first output (most operators have one).</summary>
    public TensorValue Output => Outputs[0];

    /// <summary>True for an operator of ONNX's default domain called <paramref name="op"/>.</summary>
    public bool Is(string op) => Op == op && (Domain.Length == 0 || Domain == "ai.onnx");

    /// <summary>True for Strata's fused operator <paramref name="op"/>.</summary>
    public bool IsStrata(string op) => Op == op && Domain == StrataOps.Domain;

    /// <summary>Input <paramref name="index"/>, or null when omitted or past the end.</summary>
    public TensorValue? Input(int index) => index < Inputs.Count ? Inputs[index] : null;

    /// <summary>Canonical text: outputs = domain.op(inputs) {attributes}; enters graph text and hashes.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Outputs.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(Outputs[i]);
        }

        text.Append(" = ").Append(Domain.Length == 0 ? string.Empty : Domain + ".").Append(Op).Append('(');
        for (int i = 0; i < Inputs.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(Inputs[i] is { } v ? $"%{v.Id}" : "_");
        }

        text.Append(')');
        return Attributes.Count == 0 ? text.ToString() : text.Append(' ').Append(Attributes).ToString();
    }
}
