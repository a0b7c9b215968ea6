// What `strata inspect MODEL.onnx` prints: the ONNX header, opsets, graph inputs and outputs with their shapes, nodes by
// operator and the initializers' count and bytes. Import into the compiler's IR comes with issue 20's importer.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Compiler.Onnx;

namespace Strata.Cli;

/// <summary>A read, validated ONNX model's <see cref="OnnxModelSummary"/> as text or one JSON object.</summary>
internal sealed class OnnxInspectReport(OnnxModelSummary summary)
{
    /// <summary>True for a path `strata inspect` reads as ONNX.</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public string ToText()
    {
        var s = new StringBuilder();
        Line(s, $"model        {summary.Source} (ONNX, {summary.FileBytes} bytes)");
        Line(s, $"ir_version   {summary.IrVersion}");
        Line(s, $"producer     {summary.Producer}");
        Line(s, $"opsets       {string.Join(", ", summary.Opsets)}");
        Line(s, $"graph        {summary.NodeCount} nodes, {summary.InitializerCount} initializers, {summary.InitializerBytes} bytes");
        Line(s, "inputs");
        foreach (var v in summary.Inputs)
        {
            Line(s, $"  {v}");
        }

        Line(s, "outputs");
        foreach (var v in summary.Outputs)
        {
            Line(s, $"  {v}");
        }

        Line(s, "nodes by op");
        foreach (var c in summary.NodesByOp)
        {
            Line(s, $"  {c.Count,5}  {c.Op}");
        }

        return s.ToString().TrimEnd('\n');
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("path", summary.Source);
            w.WriteString("format", "onnx");
            w.WriteNumber("file_bytes", summary.FileBytes);
            w.WriteNumber("ir_version", summary.IrVersion);
            w.WriteString("producer", summary.Producer);
            w.WriteStartArray("opsets");
            foreach (var o in summary.Opsets)
            {
                w.WriteStartObject();
                w.WriteString("domain", o.Domain);
                w.WriteNumber("version", o.Version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteValues(w, "inputs", summary.Inputs);
            WriteValues(w, "outputs", summary.Outputs);
            w.WriteNumber("node_count", summary.NodeCount);
            w.WriteStartObject("nodes_by_op");
            foreach (var c in summary.NodesByOp)
            {
                w.WriteNumber(c.Op, c.Count);
            }

            w.WriteEndObject();
            w.WriteNumber("initializer_count", summary.InitializerCount);
            w.WriteNumber("initializer_bytes", summary.InitializerBytes);
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

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}
