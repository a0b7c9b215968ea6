// The JSON part of a graph file: values (id, name, type, dims as text), nodes, attributes and where each constant's bytes lie.
using System.Text.Json;

namespace Strata.Compiler.Graphs.Caching;

/// <summary>Writes and reads the JSON description of an <see cref="OpGraph"/>.</summary>
internal static class GraphJson
{
    public static void Write(Utf8JsonWriter w, OpGraph graph, IReadOnlyDictionary<string, string> meta, Dictionary<TensorData, long> blobs)
    {
        w.WriteStartObject();
        w.WriteStartObject("meta");
        foreach (var (k, v) in meta)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
        w.WriteString("name", graph.Name);
        w.WriteNumber("next_id", graph.NextId);
        w.WriteStartObject("opsets");
        foreach (var (domain, version) in graph.Opsets)
        {
            w.WriteNumber(domain, version);
        }

        w.WriteEndObject();
        Values(w, "inputs", graph.Inputs);
        Values(w, "outputs", graph.Outputs);
        w.WriteStartArray("constants");
        foreach (var (id, data) in graph.Constants)
        {
            w.WriteStartObject();
            Value(w, "value", graph.ConstantValues[id]);
            Data(w, data, blobs);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var node in graph.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", node.Name);
            w.WriteString("op", node.Op);
            w.WriteString("domain", node.Domain);
            w.WriteStartArray("inputs");
            foreach (var input in node.Inputs)
            {
                w.WriteNumberValue(input?.Id ?? -1);
            }

            w.WriteEndArray();
            Values(w, "outputs", node.Outputs);
            w.WriteStartObject("attributes");
            foreach (var (name, a) in node.Attributes.Values)
            {
                w.WriteStartObject(name);
                Attribute(w, a, blobs);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Rebuilds the graph; constants become <see cref="TensorData.Mapped"/> views of the file at <paramref name="blobBase"/>.</summary>
    /// <exception cref="InvalidDataException">the JSON does not describe a graph</exception>
    public static OpGraph Read(JsonElement root, nint blobBase, long blobBytes, object owner)
    {
        try
        {
            var values = new Dictionary<int, TensorValue>();
            TensorValue Remember(TensorValue v) => values[v.Id] = v;
            var inputs = root.GetProperty("inputs").EnumerateArray().Select(e => Remember(ReadValue(e))).ToList();
            var constants = new Dictionary<int, TensorData>();
            var constantValues = new Dictionary<int, TensorValue>();
            foreach (var c in root.GetProperty("constants").EnumerateArray())
            {
                var v = Remember(ReadValue(c.GetProperty("value")));
                constants[v.Id] = ReadData(c, blobBase, blobBytes, owner);
                constantValues[v.Id] = v;
            }

            var nodes = new List<OpNode>();
            foreach (var n in root.GetProperty("nodes").EnumerateArray())
            {
                var nodeInputs = n.GetProperty("inputs").EnumerateArray()
                    .Select(e => e.GetInt32() is int id && id >= 0 ? values.TryGetValue(id, out var v) ? v : throw new InvalidDataException($"node reads %{id} before it is defined") : null)
                    .ToList();
                var outputs = n.GetProperty("outputs").EnumerateArray().Select(e => Remember(ReadValue(e))).ToList();
                var attributes = new List<KeyValuePair<string, AttributeValue>>();
                foreach (var a in n.GetProperty("attributes").EnumerateObject())
                {
                    attributes.Add(new(a.Name, ReadAttribute(a.Value, blobBase, blobBytes, owner)));
                }

                nodes.Add(new OpNode(n.GetProperty("name").GetString()!, n.GetProperty("op").GetString()!, n.GetProperty("domain").GetString()!,
                    nodeInputs, outputs, AttributeSet.Of(attributes)));
            }

            var graphOutputs = root.GetProperty("outputs").EnumerateArray().Select(e => values[ReadValue(e).Id]).ToList();
            var opsets = root.GetProperty("opsets").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            return new OpGraph(root.GetProperty("name").GetString()!, inputs, graphOutputs, nodes, constants, constantValues, opsets, root.GetProperty("next_id").GetInt32());
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"graph JSON is not valid: {e.Message}", e);
        }
    }

    private static void Values(Utf8JsonWriter w, string name, IReadOnlyList<TensorValue> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStartObject();
            ValueBody(w, v);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Value(Utf8JsonWriter w, string name, TensorValue v)
    {
        w.WriteStartObject(name);
        ValueBody(w, v);
        w.WriteEndObject();
    }

    private static void ValueBody(Utf8JsonWriter w, TensorValue v)
    {
        w.WriteNumber("id", v.Id);
        w.WriteString("name", v.Name);
        w.WriteNumber("type", (int)v.Type);
        if (v.Shape is { } shape)
        {
            w.WriteStartArray("shape");
            foreach (var d in shape.Dims)
            {
                w.WriteStringValue(d.ToString());
            }

            w.WriteEndArray();
        }
    }

    private static TensorValue ReadValue(JsonElement e)
    {
        TensorShape? shape = e.TryGetProperty("shape", out var s) ? new TensorShape([.. s.EnumerateArray().Select(d => Dim.Parse(d.GetString()!))]) : null;
        return new TensorValue(e.GetProperty("id").GetInt32(), e.GetProperty("name").GetString()!, (DType)e.GetProperty("type").GetInt32(), shape);
    }

    private static void Data(Utf8JsonWriter w, TensorData data, Dictionary<TensorData, long> blobs)
    {
        w.WriteNumber("data_type", (int)data.Type);
        w.WriteStartArray("dims");
        foreach (long d in data.Dims)
        {
            w.WriteNumberValue(d);
        }

        w.WriteEndArray();
        w.WriteNumber("offset", blobs[data]);
        w.WriteNumber("length", data.ByteLength);
    }

    private static TensorData ReadData(JsonElement e, nint blobBase, long blobBytes, object owner)
    {
        long offset = e.GetProperty("offset").GetInt64(), length = e.GetProperty("length").GetInt64();
        if (offset < 0 || length < 0 || offset + length > blobBytes || offset % 64 != 0)
        {
            throw new InvalidDataException($"constant bytes [{offset}, +{length}) lie outside the file's {blobBytes} blob bytes");
        }

        long[] dims = [.. e.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64())];
        return TensorData.Mapped((DType)e.GetProperty("data_type").GetInt32(), dims, blobBase + (nint)offset, length, owner);
    }

    private static void Attribute(Utf8JsonWriter w, AttributeValue a, Dictionary<TensorData, long> blobs)
    {
        w.WriteNumber("kind", (int)a.Kind);
        switch (a.Kind)
        {
            case AttributeKind.Int:
                w.WriteNumber("i", a.Int);
                break;
            case AttributeKind.Float:
                w.WriteNumber("f", a.Float);
                break;
            case AttributeKind.String:
                w.WriteString("s", a.String);
                break;
            case AttributeKind.Ints:
                w.WriteStartArray("ints");
                foreach (long i in a.Ints)
                {
                    w.WriteNumberValue(i);
                }

                w.WriteEndArray();
                break;
            case AttributeKind.Floats:
                w.WriteStartArray("floats");
                foreach (float f in a.Floats)
                {
                    w.WriteNumberValue(f);
                }

                w.WriteEndArray();
                break;
            case AttributeKind.Strings:
                w.WriteStartArray("strings");
                foreach (string s in a.Strings)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
                break;
            case AttributeKind.Tensor:
                Data(w, a.Tensor!, blobs);
                break;
            default:
                w.WriteBase64String("raw", a.Raw.Span);
                break;
        }
    }

    private static AttributeValue ReadAttribute(JsonElement e, nint blobBase, long blobBytes, object owner) => (AttributeKind)e.GetProperty("kind").GetInt32() switch
    {
        AttributeKind.Int => AttributeValue.Of(e.GetProperty("i").GetInt64()),
        AttributeKind.Float => AttributeValue.Of(e.GetProperty("f").GetSingle()),
        AttributeKind.String => AttributeValue.Of(e.GetProperty("s").GetString()!),
        AttributeKind.Ints => AttributeValue.Of(e.GetProperty("ints").EnumerateArray().Select(i => i.GetInt64()).ToArray()),
        AttributeKind.Floats => AttributeValue.Of(e.GetProperty("floats").EnumerateArray().Select(f => f.GetSingle()).ToArray()),
        AttributeKind.Strings => new AttributeValue(AttributeKind.Strings) { Strings = [.. e.GetProperty("strings").EnumerateArray().Select(s => s.GetString()!)] },
        AttributeKind.Tensor => new AttributeValue(AttributeKind.Tensor) { Tensor = ReadData(e, blobBase, blobBytes, owner) },
        AttributeKind.Foreign => new AttributeValue(AttributeKind.Foreign) { Raw = e.GetProperty("raw").GetBytesFromBase64() },
        var kind => throw new InvalidDataException($"attribute kind {(int)kind} is not known"),
    };
}
