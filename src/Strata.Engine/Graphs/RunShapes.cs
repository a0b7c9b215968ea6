// The sizes of one run: the symbols bound from the fed inputs' shapes, and every value's shape evaluated under them. The
// shape arrays and the symbolic dims' recipes are made once from the executable, so a run allocates nothing, whatever its sizes.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;

namespace Strata.Engine.Graphs;

/// <summary>Binds a run's symbols (batch, sequence, …) from its inputs and evaluates each value's shape; reused while the bindings repeat.</summary>
internal sealed class RunShapes
{
    private readonly GraphExecutable _executable;
    private readonly Dictionary<int, long[]> _shapes = []; // value id → its sizes in the current run (one array per value, for the runner's life)
    private readonly Dictionary<string, long> _fed = new(StringComparer.Ordinal); // symbol → size, as the fed inputs bind them
    private readonly Dictionary<string, int> _symbols = new(StringComparer.Ordinal); // symbol → index into _symbolSizes
    private readonly string[] _symbolNames; // (symbols) by index
    private readonly long[] _symbolSizes; // (symbols) bound size in the current run; -1 when no input binds it
    private readonly long[] _candidate; // (symbols) the sizes being bound, as _symbolSizes will hold them
    private readonly SymbolicDim[] _dims; // every symbolic dim of an evaluated value, in evaluation order
    private readonly int[] _dimSymbols; // (Σ symbols of _dims) each dim's symbol indices, consecutive
    private bool _evaluated; // the shape arrays hold the sizes under _symbolSizes

    /// <summary>Shape arrays for every value of <paramref name="executable"/> (fixed sizes filled now) and the recipes of its symbolic dims.</summary>
    public RunShapes(GraphExecutable executable)
    {
        _executable = executable;
        var graph = executable.Graph;
        var dims = new List<SymbolicDim>();
        var dimSymbols = new List<int>();
        foreach (var input in graph.Inputs)
        {
            Plan(input, input.Shape!, dims, dimSymbols);
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var output in node.Outputs)
            {
                if (output.Shape is not null && !output.Shape.HasUnknown)
                {
                    Plan(output, output.Shape, dims, dimSymbols);
                }
            }
        }

        foreach (var (id, _) in graph.ConstantValues)
        {
            _shapes.TryAdd(id, [.. graph.Constants[id].Dims]);
        }

        _dims = [.. dims];
        _dimSymbols = [.. dimSymbols];
        _symbolNames = new string[_symbols.Count];
        foreach (var (name, index) in _symbols)
        {
            _symbolNames[index] = name;
        }

        _symbolSizes = new long[_symbols.Count];
        _candidate = new long[_symbols.Count];
    }

    /// <summary>The sizes of value <paramref name="id"/> in the current run (the same array every run; refilled when a run's sizes differ).</summary>
    public long[] Of(int id) => _shapes[id];

    /// <summary>
    /// Binds the symbols from <paramref name="fed"/> (graph input order) and, when they changed, re-evaluates every symbolic
    /// dim into the value's array; the capacity check enumerates the bindings' dictionary directly, so no run allocates.
    /// </summary>
    /// <exception cref="ArgumentException">an input's rank or a fixed dim differs, a size is negative, a symbol takes two sizes, or the run exceeds the bounds</exception>
    public void Bind(ReadOnlySpan<GraphInput> fed)
    {
        var graph = _executable.Graph;
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
                if (sizes[d] < 0)
                {
                    throw new ArgumentException($"input '{input.Name}' dim {d} is {sizes[d]}; sizes are not negative");
                }

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

        // Every fed symbol is an input's, so it has an index: the candidate holds all of the bindings.
        _candidate.AsSpan().Fill(-1);
        foreach (var (symbol, size) in bindings)
        {
            _candidate[_symbols[symbol]] = size;
        }

        if (_evaluated && _candidate.AsSpan().SequenceEqual(_symbolSizes))
        {
            return;
        }

        if (!_executable.Options.Bounds.Admits(bindings))
        {
            throw new ArgumentException($"the run ({Text(bindings)}) exceeds the executable's capacity ({_executable.Options.Bounds})");
        }

        _evaluated = false;
        _candidate.CopyTo(_symbolSizes, 0);
        Evaluate();
        _evaluated = true;
    }

    // Each symbolic dim: its factor times its symbols' sizes, written into the value's array.
    private void Evaluate()
    {
        foreach (var dim in _dims)
        {
            long size = dim.Factor;
            foreach (int symbol in _dimSymbols.AsSpan(dim.FirstSymbol, dim.SymbolCount))
            {
                long bound = _symbolSizes[symbol];
                size = checked(size * (bound >= 0 ? bound : throw new InvalidOperationException($"symbol '{_symbolNames[symbol]}' is not bound")));
            }

            dim.Sizes[dim.Axis] = size;
        }
    }

    // The value's array, its fixed sizes written now, and a recipe for each symbolic dim.
    private void Plan(TensorValue value, TensorShape shape, List<SymbolicDim> dims, List<int> dimSymbols)
    {
        var sizes = new long[shape.Rank];
        _shapes[value.Id] = sizes;
        for (int d = 0; d < sizes.Length; d++)
        {
            var dim = shape.Dims[d];
            if (dim.IsUnknown)
            {
                throw new InvalidOperationException($"value '{value.Name}' has an unknown dim {d}: the runner cannot size it");
            }

            if (dim.Symbols.Length == 0)
            {
                sizes[d] = dim.Factor;
                continue;
            }

            int first = dimSymbols.Count;
            foreach (string symbol in Dim.SplitSymbols(dim.Symbols))
            {
                if (!_symbols.TryGetValue(symbol, out int index))
                {
                    index = _symbols.Count;
                    _symbols[symbol] = index;
                }

                dimSymbols.Add(index);
            }

            dims.Add(new SymbolicDim(sizes, d, dim.Factor, first, dimSymbols.Count - first));
        }
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

    // One symbolic dim: Sizes[Axis] = Factor × Π symbol sizes, its symbol indices at _dimSymbols[FirstSymbol ..][.. SymbolCount].
    private readonly record struct SymbolicDim(long[] Sizes, int Axis, long Factor, int FirstSymbol, int SymbolCount);
}
