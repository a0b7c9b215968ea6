// What `strata inspect MODEL.onnx` prints: the ONNX header, opsets, graph inputs and outputs with their shapes, nodes by
// operator and the initializers' count and bytes. Import into the compiler's IR comes with issue 20's importer.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Compiler.Onnx;

namespace Strata.Cli;

/// <summary>A read, validated ONNX model summarised as text or one JSON object.</summary>
internal sealed class OnnxInspectReport(OnnxModel model)
{
    /// <summary>True for a path `strata inspect` reads as ONNX.</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public string ToText()
    {
        var graph = model.Graph;
        var s = new StringBuilder();
        Line(s, $"model        {model.Source} (ONNX, {model.LengthBytes} bytes)");
        Line(s, $"ir_version   {model.IrVersion}");
        Line(s, $"producer     {model.ProducerName} {model.ProducerVersion}".TrimEnd());
        Line(s, $"opsets       {string.Join(", ", model.OpsetImports)}");
        Line(s, $"graph        '{graph.Name}': {graph.Nodes.Count} nodes, {graph.Initializers.Count} initializers, {InitializerBytes()} bytes");
        Line(s, "inputs");
        foreach (var v in graph.Inputs)
        {
            Line(s, $"  {v}");
        }

        Line(s, "outputs");
        foreach (var v in graph.Outputs)
        {
            Line(s, $"  {v}");
        }

        Line(s, "nodes by op");
        foreach (var (op, count) in NodesByOp())
        {
            Line(s, $"  {count,5}  {op}");
        }

        return s.ToString().TrimEnd('\n');
    }

    public string ToJson()
    {
        var graph = model.Graph;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("path", model.Source);
            w.WriteString("format", "onnx");
            w.WriteNumber("file_bytes", model.LengthBytes);
            w.WriteNumber("ir_version", model.IrVersion);
            w.WriteString("producer_name", model.ProducerName);
            w.WriteString("producer_version", model.ProducerVersion);
            w.WriteStartArray("opsets");
            foreach (var o in model.OpsetImports)
            {
                w.WriteStartObject();
                w.WriteString("domain", o.Domain);
                w.WriteNumber("version", o.Version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteValues(w, "inputs", graph.Inputs);
            WriteValues(w, "outputs", graph.Outputs);
            w.WriteNumber("node_count", graph.Nodes.Count);
            w.WriteStartObject("nodes_by_op");
            foreach (var (op, count) in NodesByOp())
            {
                w.WriteNumber(op, count);
            }

            w.WriteEndObject();
            w.WriteNumber("initializer_count", graph.Initializers.Count);
            w.WriteNumber("initializer_bytes", InitializerBytes());
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValues(Utf8JsonWriter w, string name, IReadOnlyList<OnnxValueInfo> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("kind", v.Type.Kind.ToString());
            w.WriteString("element_type", v.Type.ElementType.ToString());
            if (v.Type.Shape is { } shape)
            {
                w.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    if (d.Value is { } size)
                    {
                        w.WriteNumberValue(size);
                    }
                    else
                    {
                        w.WriteStringValue(d.ToString());
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // Operators by descending count, then by name (domain-qualified outside the default domain).
    private List<(string Op, int Count)> NodesByOp() =>
        [.. model.Graph.Nodes.GroupBy(n => n.Domain.Length == 0 || n.Domain == "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}", StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count())).OrderByDescending(p => p.Item2).ThenBy(p => p.Key, StringComparer.Ordinal)];

    private long InitializerBytes() => model.Graph.Initializers.Sum(t => t.ByteLength);

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}
