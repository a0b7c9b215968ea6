// The largest sizes a compiled graph is planned for: each symbol's maximum and, optionally, a bound on batch × sequence.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>
/// Per-symbol maxima (e.g. batch ≤ 64, sequence ≤ 512) and a bound on the product of two symbols (batch·sequence ≤ 4096
/// tokens), so the arena holds [batch, sequence, …] values for any run within the bounds without sizing for 64 × 512.
/// </summary>
/// <param name="Maxima">symbol → largest value in one run</param>
/// <param name="ProductSymbols">the two symbols whose product is bounded (e.g. "batch", "sequence"); null when none</param>
/// <param name="ProductBound">the bound on their product</param>
public sealed record CapacityBounds(IReadOnlyDictionary<string, long> Maxima, (string First, string Second)? ProductSymbols = null, long ProductBound = 0)
{
    /// <summary>Bounds of an encoder's batch and sequence, with at most <paramref name="maxTokens"/> tokens in all.</summary>
    public static CapacityBounds Encoder(long maxBatch, long maxSequence, long maxTokens) =>
        new(new Dictionary<string, long> { ["batch"] = maxBatch, ["sequence"] = maxSequence }, ("batch", "sequence"), maxTokens);

    /// <summary>The largest value <paramref name="dim"/> takes within these bounds.</summary>
    /// <exception cref="CompileException">a symbol has no bound, or the dim is unknown</exception>
    public long Bound(Dim dim)
    {
        if (dim.IsUnknown)
        {
            throw new CompileException("a value of unknown size cannot be planned");
        }

        var symbols = new List<string>(Dim.SplitSymbols(dim.Symbols));
        long size = dim.Factor;
        if (ProductSymbols is var (first, second) && ProductBound > 0)
        {
            while (symbols.Contains(first) && symbols.Contains(second))
            {
                symbols.Remove(first);
                symbols.Remove(second);
                size = checked(size * ProductBound);
            }
        }

        foreach (string s in symbols)
        {
            size = checked(size * (Maxima.TryGetValue(s, out long max) ? max : throw new CompileException($"symbol '{s}' has no bound: give one in the capacity")));
        }

        return size;
    }

    /// <summary>True when the bindings of one run lie within the bounds.</summary>
    public bool Admits(IReadOnlyDictionary<string, long> bindings)
    {
        foreach (var (symbol, value) in bindings)
        {
            if (!Within(symbol, value))
            {
                return false;
            }
        }

        return ProductWithin(bindings);
    }

    /// <summary>True when the bindings of one run lie within the bounds; enumerates the dictionary without allocating (the graph runner checks each run's new sizes).</summary>
    public bool Admits(Dictionary<string, long> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        foreach (var (symbol, value) in bindings)
        {
            if (!Within(symbol, value))
            {
                return false;
            }
        }

        return ProductWithin(bindings);
    }

    private bool Within(string symbol, long value) => !Maxima.TryGetValue(symbol, out long max) || value <= max;

    private bool ProductWithin(IReadOnlyDictionary<string, long> bindings) => ProductSymbols is not var (a, b) || ProductBound <= 0
        || !bindings.TryGetValue(a, out long x) || !bindings.TryGetValue(b, out long y) || x * y <= ProductBound;

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var (symbol, max) in new SortedDictionary<string, long>(Maxima.ToDictionary(), StringComparer.Ordinal))
        {
            parts.Add($"{symbol}≤{max}");
        }

        if (ProductSymbols is var (a, b) && ProductBound > 0)
        {
            parts.Add($"{a}·{b}≤{ProductBound}");
        }

        return string.Join(' ', parts);
    }
}
