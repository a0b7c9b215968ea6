// A mutable working copy of a graph for the fusion passes: who produces and who reads each value, kept current as
// patterns are replaced, so a matcher can ask "is this intermediate used only here?" after earlier rewrites.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Node slots with producer and use indexes; a replacement takes the slot of the node whose output it produces.</summary>
internal sealed class GraphEditor
{
    private readonly OpGraph _graph;
    private readonly List<OpNode?> _nodes;
    private readonly Dictionary<int, int> _producer = [];
    private readonly Dictionary<int, int> _uses = [];
    private readonly HashSet<int> _outputs;
    private readonly Dictionary<int, TensorData> _constants;
    private readonly Dictionary<int, TensorValue> _constantValues;
    private int _nextId;

    public GraphEditor(OpGraph graph)
    {
        _graph = graph;
        _nodes = [.. graph.Nodes];
        _outputs = [.. graph.Outputs.Select(o => o.Id)];
        _constants = new(graph.Constants);
        _constantValues = new(graph.ConstantValues);
        _nextId = graph.NextId;
        for (int i = 0; i < _nodes.Count; i++)
        {
            Index(i, +1);
        }
    }

    /// <summary>The live nodes with their slots, in execution order (a snapshot: safe to replace while iterating).</summary>
    public List<OpNode> Nodes() => [.. _nodes.Where(n => n is not null).Select(n => n!)];

    /// <summary>True while <paramref name="node"/> is in the graph (a replacement may have swallowed it).</summary>
    public bool Contains(OpNode node) => Producer(node.Outputs[0]) is { } producer && ReferenceEquals(producer, node);

    /// <summary>The node producing <paramref name="value"/>, if a node does (not an input or constant).</summary>
    public OpNode? Producer(TensorValue? value) => value is not null && _producer.TryGetValue(value.Id, out int slot) ? _nodes[slot] : null;

    /// <summary>The node producing <paramref name="value"/> when it is the ONNX operator <paramref name="op"/>.</summary>
    public OpNode? Producer(TensorValue? value, string op) => Producer(value) is { } node && node.Is(op) ? node : null;

    /// <summary>Reads of <paramref name="value"/> by nodes, plus one when it is a graph output.</summary>
    public int Uses(TensorValue value) => _uses.GetValueOrDefault(value.Id) + (_outputs.Contains(value.Id) ? 1 : 0);

    /// <summary>True when <paramref name="value"/> is read exactly once and is not a graph output: a pattern may swallow it.</summary>
    public bool IsPrivate(TensorValue value) => Uses(value) == 1;

    /// <summary>The nodes reading <paramref name="value"/>.</summary>
    public List<OpNode> Consumers(TensorValue value) =>
        [.. _nodes.Where(n => n is not null && n.Inputs.Any(i => i?.Id == value.Id)).Select(n => n!)];

    /// <summary>The data of a constant value.</summary>
    public bool TryGetConstant(TensorValue? value, out TensorData data)
    {
        data = null!;
        return value is not null && _constants.TryGetValue(value.Id, out data!);
    }

    /// <summary>A new constant value holding <paramref name="data"/>.</summary>
    public TensorValue AddConstant(string name, TensorData data)
    {
        var value = new TensorValue(_nextId++, name, data.Type, data.Shape);
        _constants[value.Id] = data;
        _constantValues[value.Id] = value;
        return value;
    }

    /// <summary>A new value (not a constant) a replacement node may produce.</summary>
    public TensorValue AddValue(string name, DType type, TensorShape? shape) => new(_nextId++, name, type, shape);

    /// <summary>
    /// Removes <paramref name="pattern"/> and puts <paramref name="replacement"/> in the slot of the pattern node that produced
    /// the replacement's first output (every other node of the pattern comes before it).
    /// </summary>
    public void Replace(IReadOnlyList<OpNode> pattern, OpNode replacement) => Replace(pattern, replacement, null);

    /// <summary>
    /// Removes <paramref name="pattern"/> and puts <paramref name="replacement"/> in the slot of <paramref name="at"/> (a pattern
    /// node; every input of the replacement must be produced before it), or, when null, as <see cref="Replace(IReadOnlyList{OpNode}, OpNode)"/> does.
    /// </summary>
    public void Replace(IReadOnlyList<OpNode> pattern, OpNode replacement, OpNode? at)
    {
        int slot = -1;
        foreach (var node in pattern)
        {
            int index = _nodes.FindIndex(n => ReferenceEquals(n, node));
            if (index < 0)
            {
                throw new InvalidOperationException($"{node.Op} {node.Output} is no longer in the graph");
            }

            Index(index, -1);
            _nodes[index] = null;
            slot = (at is null ? node.Outputs.Any(o => o.Id == replacement.Output.Id) : ReferenceEquals(node, at)) ? index : slot;
        }

        if (slot < 0)
        {
            throw new InvalidOperationException(at is null ? $"no node of the pattern produces {replacement.Output}" : $"{at.Op} {at.Output} is not in the pattern");
        }

        _nodes[slot] = replacement;
        Index(slot, +1);
    }

    /// <summary>The edited graph.</summary>
    public OpGraph ToGraph() => _graph with
    {
        Nodes = Nodes(),
        Constants = _constants,
        ConstantValues = _constantValues,
        NextId = _nextId,
    };

    private void Index(int slot, int delta)
    {
        var node = _nodes[slot]!;
        foreach (var input in node.Inputs)
        {
            if (input is not null)
            {
                _uses[input.Id] = _uses.GetValueOrDefault(input.Id) + delta;
            }
        }

        foreach (var output in node.Outputs)
        {
            if (delta > 0)
            {
                _producer[output.Id] = slot;
            }
            else
            {
                _producer.Remove(output.Id);
            }
        }
    }
}
