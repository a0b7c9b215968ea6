// Turns a loaded ONNX model into an OpGraph: every value gets an id, initializers and Constant nodes become constants
// (initializers stay in the file mapping), declared types become dtypes and symbolic shapes, and every other node is
// kept as it is, unknown operators and foreign domains included (the partitioner sends those to ONNX Runtime). A graph
// input that an initializer also defines (old exporters list weights as inputs) is imported as that constant, not as an input.
using Strata.Compiler.Onnx;

namespace Strata.Compiler.Graphs.Import;

/// <summary>ONNX → <see cref="OpGraph"/>.</summary>
public static class OnnxImporter
{
    /// <summary>The pass name the importer writes to the log under.</summary>
    public const string PassName = "import";

    /// <summary>
    /// Imports <paramref name="model"/>'s main graph. Mapped constants point into the model's file mapping: keep the model
    /// open while the graph (or anything compiled from it) is used.
    /// </summary>
    /// <param name="model">a loaded model</param>
    /// <param name="outputs">the graph outputs to keep, by name (e.g. only "last_hidden_state"); null keeps them all</param>
    /// <param name="log">where to write what was imported; null writes nowhere</param>
    /// <exception cref="ArgumentException">an output name the model does not have</exception>
    public static OpGraph Import(OnnxModel model, IReadOnlyList<string>? outputs = null, CompileLog? log = null)
    {
        var source = model.Graph;
        var values = new OnnxValueTable(source.ValueInfo);
        var constants = new Dictionary<int, TensorData>();
        var constantValues = new Dictionary<int, TensorValue>();
        long mappedBytes = 0, copiedBytes = 0;
        foreach (var initializer in source.Initializers)
        {
            var data = ConstantData(model, initializer);
            (data.IsMapped ? ref mappedBytes : ref copiedBytes) += data.ByteLength;
            AddConstant(values, constants, constantValues, initializer.Name, data);
        }

        var inputs = new List<TensorValue>();
        foreach (var input in source.Inputs)
        {
            if (!values.Contains(input.Name))
            {
                inputs.Add(values.Define(input.Name, input.Type));
            }
        }

        var nodes = new List<OpNode>(source.Nodes.Count);
        int constantNodes = 0;
        foreach (var node in source.Nodes)
        {
            if (IsConstantNode(node) && OnnxConstantNode.TryRead(node, out var data))
            {
                AddConstant(values, constants, constantValues, node.Outputs[0], data);
                constantNodes++;
                continue;
            }

            nodes.Add(Node(node, values));
        }

        var graph = new OpGraph(source.Name, inputs, SelectOutputs(model, values, outputs), nodes, constants, constantValues,
            Opsets(model), values.NextId);
        if (log is not null)
        {
            Log(log, model, graph, constantNodes, mappedBytes, copiedBytes);
        }

        return graph;
    }

    private static bool IsConstantNode(OnnxNode node) => node.OpType == "Constant" && (node.Domain.Length == 0 || node.Domain == "ai.onnx");

    private static TensorData ConstantData(OnnxModel model, OnnxTensor tensor)
    {
        var type = OnnxValueTable.DTypeOf(tensor.DataType);
        long[] dims = [.. tensor.Dims];
        return model.TryGetMappedAddress(tensor, out nint address)
            ? TensorData.Mapped(type, dims, address, tensor.ByteLength, model)
            : TensorData.Copy(type, dims, tensor.Bytes);
    }

    private static void AddConstant(OnnxValueTable values, Dictionary<int, TensorData> constants, Dictionary<int, TensorValue> constantValues,
        string name, TensorData data)
    {
        var value = values.DefineConstant(name, data);
        constants[value.Id] = data;
        constantValues[value.Id] = value;
    }

    private static OpNode Node(OnnxNode node, OnnxValueTable values)
    {
        var inputs = new TensorValue?[node.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = node.Inputs[i].Length == 0 ? null : values.Use(node.Inputs[i], node);
        }

        var outputs = new TensorValue[node.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = values.DefineOutput(node.Outputs[i]);
        }

        var attributes = new List<KeyValuePair<string, AttributeValue>>(node.Attributes.Count);
        foreach (var a in node.Attributes)
        {
            attributes.Add(new(a.Name, OnnxAttributeImport.Convert(a)));
        }

        return new OpNode(node.Name, node.OpType, node.Domain == "ai.onnx" ? string.Empty : node.Domain, inputs, outputs, AttributeSet.Of(attributes));
    }

    private static List<TensorValue> SelectOutputs(OnnxModel model, OnnxValueTable values, IReadOnlyList<string>? names)
    {
        var all = model.Graph.Outputs;
        var selected = new List<TensorValue>();
        foreach (string name in names ?? [.. all.Select(o => o.Name)])
        {
            var declared = all.FirstOrDefault(o => o.Name == name)
                ?? throw new ArgumentException($"'{model.Source}' has no output '{name}'; its outputs are {string.Join(", ", all.Select(o => $"'{o.Name}'"))}", nameof(names));
            selected.Add(values.Declare(declared.Name, declared.Type));
        }

        return selected;
    }

    private static Dictionary<string, long> Opsets(OnnxModel model)
    {
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImports)
        {
            opsets[o.Domain == "ai.onnx" ? string.Empty : o.Domain] = o.Version;
        }

        return opsets;
    }

    private static void Log(CompileLog log, OnnxModel model, OpGraph graph, int constantNodes, long mappedBytes, long copiedBytes)
    {
        var byOp = model.Graph.Nodes.GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}.{n.OpType}")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
        log.Write(PassName, $"{model.Graph.Nodes.Count} nodes: {string.Join(", ", byOp.Select(g => $"{g.Key} {g.Count()}"))}");
        log.Write(PassName, $"{model.Graph.Initializers.Count} initializers, {mappedBytes + copiedBytes} bytes ({mappedBytes} mapped, {copiedBytes} copied); "
            + $"{constantNodes} Constant nodes became constants; {graph.Nodes.Count} nodes remain");
        log.Write(PassName, $"opsets: {string.Join(", ", model.OpsetImports)}; outputs: {string.Join(", ", graph.Outputs.Select(o => o.Name))}");
    }
}
