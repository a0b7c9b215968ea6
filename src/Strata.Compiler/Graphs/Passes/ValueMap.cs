// The latest version of each value while a pass rewrites a graph front to back: a node's inputs are replaced by what earlier
// nodes learned about them, and its outputs by what the type rules infer.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Value id → latest <see cref="TensorValue"/>.</summary>
internal sealed class ValueMap
{
    private readonly Dictionary<int, TensorValue> _values = [];

    public ValueMap(OpGraph graph)
    {
        foreach (var v in graph.Inputs)
        {
            _values[v.Id] = v;
        }

        foreach (var (id, v) in graph.ConstantValues)
        {
            _values[id] = v;
        }
    }

    /// <summary>Records <paramref name="value"/> as the latest version of its id.</summary>
    public void Set(TensorValue value) => _values[value.Id] = value;

    /// <summary>The latest version of <paramref name="value"/>.</summary>
    public TensorValue Get(TensorValue value) => _values.TryGetValue(value.Id, out var latest) ? latest : value;

    /// <summary><paramref name="node"/> with its inputs at their latest versions.</summary>
    public OpNode Refresh(OpNode node)
    {
        TensorValue?[]? inputs = null;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { } v && _values.TryGetValue(v.Id, out var latest) && !ReferenceEquals(latest, v))
            {
                inputs ??= [.. node.Inputs];
                inputs[i] = latest;
            }
        }

        return inputs is null ? node : node with { Inputs = inputs };
    }

    /// <summary>The latest versions of <paramref name="values"/>.</summary>
    public TensorValue[] Refresh(IReadOnlyList<TensorValue> values)
    {
        var result = new TensorValue[values.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Get(values[i]);
        }

        return result;
    }

    /// <summary>
    /// Types <paramref name="node"/>'s outputs by the rules (an output the rules leave unknown keeps what it had) and records
    /// them; false when no rule knows the operator.
    /// </summary>
    public bool Infer(ref OpNode node, IReadOnlyDictionary<int, TensorData> constants)
    {
        bool known = ShapeRules.TryInfer(node, constants, out var types);
        var outputs = new TensorValue[node.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var old = node.Outputs[i];
            var type = known && types[i].Type != DType.Unknown ? types[i].Type : old.Type;
            var shape = known && types[i].Shape is { } s && (old.Shape is null || !s.HasUnknown || old.Shape.HasUnknown) ? s : old.Shape;
            outputs[i] = type == old.Type && Equals(shape, old.Shape) ? old : old.With(type, shape);
            _values[old.Id] = outputs[i];
        }

        node = node with { Outputs = outputs };
        return known;
    }
}
