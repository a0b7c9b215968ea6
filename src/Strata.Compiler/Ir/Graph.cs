// The decoder as the runner executes it: nodes in execution order and the logits output, lowered from the builders' typed
// OpGraph by Graphs/Decoder/DecoderGraphBridge.ToDecoder once the shared passes have run; memory planning, kernel selection,
// product grouping and lowering read this form.
using System.Text;

namespace Strata.Compiler.Ir;

/// <summary>An IR graph: nodes in a valid execution order (each input defined before use).</summary>
/// <param name="Name">model name, for logs</param>
/// <param name="Nodes">nodes in execution order</param>
/// <param name="Output">the logits value</param>
public sealed record Graph(string Name, IReadOnlyList<Node> Nodes, Value Output)
{
    /// <summary>Canonical text of the graph (one node per line); enters the executable hash.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes)
        {
            text.AppendLine(node.ToString());
        }

        return text.Append("return ").Append(Output).AppendLine().ToString();
    }
}
