// The loop variable of a for loop: index, first/last, length, previous and next items, cycle() and changed().
namespace Strata.Engine.Templates;

/// <summary>Jinja's <c>loop</c> inside a for loop (non-recursive, so depth is always 1).</summary>
internal sealed class LoopContext
{
    private static readonly object NoValue = new();
    private readonly IReadOnlyList<object?> _items;
    private object? _lastChanged = NoValue;

    /// <summary>The loop over <paramref name="items"/> (already filtered by the loop's if).</summary>
    public LoopContext(IReadOnlyList<object?> items) => _items = items;

    /// <summary>The 0-based index of the current iteration.</summary>
    public int Index0 { get; set; }

    /// <summary>The 1-based index of the current iteration.</summary>
    public int Index => Index0 + 1;

    /// <summary>The number of iterations.</summary>
    public int Length => _items.Count;

    /// <summary>The attribute <paramref name="name"/> of <c>loop</c>, or undefined.</summary>
    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)Index,
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? _items[Index0 - 1] : Undefined.WithHint("there is no previous item"),
        "nextitem" => Index0 < Length - 1 ? _items[Index0 + 1] : Undefined.WithHint("there is no next item"),
        "cycle" => new BuiltinFunction("loop.cycle", (_, arguments, _) => Cycle(arguments)),
        "changed" => new BuiltinFunction("loop.changed", (_, arguments, _) => Changed(arguments)),
        _ => Undefined.Member(this, name),
    };

    private object? Cycle(Arguments arguments)
    {
        if (arguments.Positional.Count == 0)
        {
            throw new PyError("no items for cycling given");
        }

        return arguments.Positional[Index0 % arguments.Positional.Count];
    }

    private bool Changed(Arguments arguments)
    {
        var value = new PyList(arguments.Positional, SequenceKind.Tuple);
        if (!ReferenceEquals(_lastChanged, NoValue) && PyCompare.AreEqual(_lastChanged, value))
        {
            return false;
        }

        _lastChanged = value;
        return true;
    }
}
