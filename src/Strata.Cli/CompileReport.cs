// What `strata compile MODEL.onnx` prints: the compile log (with --log), the final graph's summary (nodes by operator,
// values, constants, inputs and outputs with symbolic shapes, arena against naive bytes, foreign partitions), the kernel
// each step family runs and the executable's content hash; as text or one JSON object.
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Cli;

/// <summary>A compiled <see cref="GraphExecutable"/> summarised for the terminal or a script.</summary>
internal sealed class CompileReport
{
    private readonly GraphExecutable _executable;
    private readonly SortedDictionary<string, int> _nodesByOp = new(StringComparer.Ordinal);

    public CompileReport(GraphExecutable executable)
    {
        _executable = executable;
        var graph = executable.Graph;
        var values = new HashSet<int>();
        foreach (var input in graph.Inputs)
        {
            values.Add(input.Id);
        }

        foreach (var node in graph.Nodes)
        {
            string op = $"{(node.Domain.Length == 0 ? "ai.onnx" : node.Domain)}.{node.Op}";
            _nodesByOp[op] = _nodesByOp.GetValueOrDefault(op) + 1;
            foreach (var output in node.Outputs)
            {
                values.Add(output.Id);
            }
        }

        ValueCount = values.Count;
        foreach (var data in graph.Constants.Values)
        {
            ConstantBytes += data.ByteLength;
        }
    }

    /// <summary>Graph inputs and node outputs (constants apart).</summary>
    public int ValueCount { get; }

    /// <summary>Bytes of every constant the graph reads.</summary>
    public long ConstantBytes { get; }

    /// <summary>The report as lines of text; the compile log first when <paramref name="withLog"/>.</summary>
    public string ToText(bool withLog)
    {
        var s = new StringBuilder();
        var graph = _executable.Graph;
        var plan = _executable.Plan;
        if (withLog)
        {
            foreach (var entry in _executable.Log.Entries)
            {
                Line(s, $"{entry.Pass}: {entry.Message}");
            }

            Line(s, string.Empty);
        }

        Line(s, $"graph        {graph.Name}: {graph.Nodes.Count} nodes, {ValueCount} values, {graph.Constants.Count} constants ({ConstantBytes} bytes)");
        Line(s, "nodes by op");
        foreach (var (op, count) in _nodesByOp)
        {
            Line(s, $"  {op} {count}");
        }

        Line(s, "inputs");
        foreach (var v in graph.Inputs)
        {
            Line(s, $"  {Describe(v)}");
        }

        Line(s, "outputs");
        foreach (var v in graph.Outputs)
        {
            Line(s, $"  {Describe(v)}");
        }

        Line(s, $"arena        {plan.ArenaBytes} bytes of {plan.NaiveBytes} naive ({Ratio(plan).ToString("F3", CultureInfo.InvariantCulture)}), bounds {_executable.Options.Bounds}");
        Line(s, _executable.Partitions.Count == 0 ? "foreign      none" : "foreign");
        foreach (var (partition, _) in _executable.Partitions)
        {
            Line(s, $"  partition {partition.Index}: {partition.NodeCount} node(s) [{string.Join(", ", partition.Operators)}] on {ForeignRuntime}");
        }

        Line(s, "kernels");
        foreach (var (family, kernel) in _executable.KernelChoices)
        {
            Line(s, $"  {family}: {kernel}");
        }

        Line(s, $"cache        {(_executable.FromCache ? "hit" : "not used or missed")}");
        Line(s, $"hash         {_executable.ContentHash}");
        return s.ToString().TrimEnd('\n');
    }

    /// <summary>The report as one JSON object: log, summary, kernels, hash, from_cache.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("log");
            foreach (var entry in _executable.Log.Entries)
            {
                w.WriteStartObject();
                w.WriteString("pass", entry.Pass);
                w.WriteString("message", entry.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteSummary(w);
            w.WriteStartObject("kernels");
            foreach (var (family, kernel) in _executable.KernelChoices)
            {
                w.WriteString(family, kernel);
            }

            w.WriteEndObject();
            w.WriteString("hash", _executable.ContentHash);
            w.WriteBoolean("from_cache", _executable.FromCache);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void WriteSummary(Utf8JsonWriter w)
    {
        var graph = _executable.Graph;
        var plan = _executable.Plan;
        w.WriteStartObject("summary");
        w.WriteString("graph", graph.Name);
        w.WriteNumber("node_count", graph.Nodes.Count);
        w.WriteStartObject("nodes_by_op");
        foreach (var (op, count) in _nodesByOp)
        {
            w.WriteNumber(op, count);
        }

        w.WriteEndObject();
        w.WriteNumber("values", ValueCount);
        w.WriteNumber("constants", graph.Constants.Count);
        w.WriteNumber("constant_bytes", ConstantBytes);
        WriteValues(w, "inputs", graph.Inputs);
        WriteValues(w, "outputs", graph.Outputs);
        w.WriteNumber("arena_bytes", plan.ArenaBytes);
        w.WriteNumber("naive_bytes", plan.NaiveBytes);
        w.WriteNumber("arena_ratio", Math.Round(Ratio(plan), 6));
        w.WriteString("bounds", _executable.Options.Bounds.ToString());
        w.WriteStartArray("foreign_partitions");
        foreach (var (partition, _) in _executable.Partitions)
        {
            w.WriteStartObject();
            w.WriteNumber("index", partition.Index);
            w.WriteNumber("nodes", partition.NodeCount);
            w.WriteStartArray("operators");
            foreach (string op in partition.Operators)
            {
                w.WriteStringValue(op);
            }

            w.WriteEndArray();
            w.WriteString("runtime", ForeignRuntime);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter w, string name, IReadOnlyList<TensorValue> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("type", v.Type.Text());
            w.WriteString("shape", v.Shape?.ToString() ?? "[?]");
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private string ForeignRuntime => _executable.Options.ForeignRuntime?.Describe ?? "no runtime";

    private static string Describe(TensorValue v) => $"{v.Name} {v.Type.Text()}{v.Shape?.ToString() ?? "[?]"}";

    private static double Ratio(GraphMemoryPlan plan) => plan.NaiveBytes == 0 ? 1.0 : (double)plan.ArenaBytes / plan.NaiveBytes;

    private static void Line(StringBuilder s, string line) => s.Append(line).Append('\n');
}
