// The facts `strata inspect` shows about an ONNX model, computed once from the loaded records.
namespace Strata.Compiler.Onnx;

/// <summary>A loaded model in brief: header, opsets, the main graph's interface, nodes by operator and initializer totals.</summary>
/// <param name="Source">file path or the name given</param>
/// <param name="FileBytes">size of the file</param>
/// <param name="IrVersion">ONNX IR version</param>
/// <param name="Producer">producer name and version</param>
/// <param name="Opsets">operator sets imported</param>
/// <param name="Inputs">main graph inputs with their types and shapes</param>
/// <param name="Outputs">main graph outputs</param>
/// <param name="NodeCount">nodes of the main graph</param>
/// <param name="NodesByOp">nodes per operator, most frequent first, ties by name</param>
/// <param name="InitializerCount">initializers of the main graph</param>
/// <param name="InitializerBytes">their bytes in total</param>
public sealed record OnnxModelSummary(string Source, long FileBytes, long IrVersion, string Producer, IReadOnlyList<OnnxOpsetImport> Opsets,
    IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs, int NodeCount, IReadOnlyList<OnnxOpCount> NodesByOp,
    int InitializerCount, long InitializerBytes)
{
    /// <summary>Summarises <paramref name="model"/>.</summary>
    public static OnnxModelSummary Of(OnnxModel model)
    {
        var graph = model.Graph;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            string op = node.Domain.Length == 0 || node.Domain == "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            counts[op] = counts.GetValueOrDefault(op) + 1;
        }

        var byOp = counts.Select(c => new OnnxOpCount(c.Key, c.Value)).OrderByDescending(c => c.Count).ThenBy(c => c.Op, StringComparer.Ordinal).ToArray();
        long bytes = 0;
        foreach (var t in graph.Initializers)
        {
            bytes += t.ByteLength;
        }

        return new OnnxModelSummary(model.Source, model.LengthBytes, model.IrVersion, $"{model.ProducerName} {model.ProducerVersion}".Trim(),
            model.OpsetImports, graph.Inputs, graph.Outputs, graph.Nodes.Count, byOp, graph.Initializers.Count, bytes);
    }
}
