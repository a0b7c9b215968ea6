// The sizes of one run: the symbols bound from the fed inputs' shapes, and every value's shape evaluated under them.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Engine.Graphs;

/// <summary>Binds a run's symbols (batch, sequence, …) from its inputs and evaluates each value's shape; reused while the bindings repeat.</summary>
internal sealed class RunShapes
{
    private readonly Dictionary<int, long[]> _shapes = [];
    private readonly Dictionary<string, long> _bindings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _fed = new(StringComparer.Ordinal);

    /// <summary>The bindings of the current run.</summary>
    public IReadOnlyDictionary<string, long> Bindings => _bindings;

    /// <summary>The sizes of value <paramref name="id"/> in the current run (the array is refilled when a later run's sizes differ).</summary>
    public long[] Of(int id) => _shapes[id];

    /// <summary>
    /// Binds the symbols from <paramref name="fed"/> (graph input order) and, when they changed, re-evaluates every shape into
    /// the arrays of the previous evaluation (a run with repeated or new sizes allocates nothing once each value has its array).
    /// </summary>
    /// <exception cref="ArgumentException">an input's rank or a fixed dim differs, a symbol takes two sizes, or the run exceeds the bounds</exception>
    public void Bind(GraphExecutable executable, ReadOnlySpan<GraphInput> fed)
    {
        var graph = executable.Graph;
        if (fed.Length != graph.Inputs.Count)
        {
            throw new ArgumentException($"the graph takes {graph.Inputs.Count} inputs; {fed.Length} were given");
        }

        var bindings = _fed;
        bindings.Clear();
        for (int i = 0; i < fed.Length; i++)
        {
            var input = graph.Inputs[i];
            var dims = input.Shape!.Dims;
            var sizes = fed[i].Shape;
            if (sizes.Length != dims.Count)
            {
                throw new ArgumentException($"input '{input.Name}' has rank {dims.Count}; a tensor of rank {sizes.Length} was given");
            }

            for (int d = 0; d < dims.Count; d++)
            {
                var dim = dims[d];
                if (dim.IsKnown ? dim.Factor != sizes[d] : dim.Factor != 1 || dim.Symbols.Contains('*'))
                {
                    if (dim.IsKnown)
                    {
                        throw new ArgumentException($"input '{input.Name}' dim {d} is {dim.Factor}; {sizes[d]} was given");
                    }

                    continue; // a product dim is checked once every symbol is bound
                }

                if (!dim.IsKnown && bindings.TryGetValue(dim.Symbols, out long bound) && bound != sizes[d])
                {
                    throw new ArgumentException($"'{dim.Symbols}' is {bound} in one input and {sizes[d]} in '{input.Name}'");
                }

                if (!dim.IsKnown)
                {
                    bindings[dim.Symbols] = sizes[d];
                }
            }
        }

        if (!executable.Options.Bounds.Admits(bindings))
        {
            throw new ArgumentException($"the run ({Text(bindings)}) exceeds the executable's capacity ({executable.Options.Bounds})");
        }

        if (_shapes.Count > 0 && SameBindings(bindings))
        {
            return;
        }

        _bindings.Clear();
        foreach (var (k, v) in bindings)
        {
            _bindings[k] = v;
        }

        foreach (var input in graph.Inputs)
        {
            Evaluate(input.Id, input.Shape!);
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var output in node.Outputs)
            {
                if (output.Shape is not null && !output.Shape.HasUnknown)
                {
                    Evaluate(output.Id, output.Shape);
                }
            }
        }

        foreach (var (id, _) in graph.ConstantValues)
        {
            if (!_shapes.ContainsKey(id))
            {
                _shapes[id] = [.. graph.Constants[id].Dims];
            }
        }
    }

    // Value id's sizes under the current bindings, written over its previous array when the rank matches.
    private void Evaluate(int id, TensorShape shape)
    {
        var dims = shape.Dims;
        if (!_shapes.TryGetValue(id, out long[]? sizes) || sizes.Length != dims.Count)
        {
            _shapes[id] = shape.Evaluate(_bindings);
            return;
        }

        for (int d = 0; d < sizes.Length; d++)
        {
            sizes[d] = dims[d].Evaluate(_bindings);
        }
    }

    private bool SameBindings(Dictionary<string, long> bindings)
    {
        if (bindings.Count != _bindings.Count)
        {
            return false;
        }

        foreach (var (k, v) in bindings)
        {
            if (!_bindings.TryGetValue(k, out long old) || old != v)
            {
                return false;
            }
        }

        return true;
    }

    private static string Text(Dictionary<string, long> bindings)
    {
        var parts = new List<string>();
        foreach (var (k, v) in bindings)
        {
            parts.Add($"{k}={v}");
        }

        return string.Join(' ', parts);
    }
}
