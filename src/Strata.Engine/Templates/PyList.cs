// An immutable Python list, tuple, dict view or range: templates never mutate data (transformers' sandbox is immutable).
namespace Strata.Engine.Templates;

/// <summary>
/// A sequence value. Lists are immutable here because transformers renders in jinja2's
/// <c>ImmutableSandboxedEnvironment</c>, where <c>append</c>, <c>pop</c> and the other mutating methods are refused.
/// </summary>
internal sealed class PyList
{
    /// <summary>The empty list.</summary>
    public static readonly PyList Empty = new([], SequenceKind.List);

    /// <summary>The empty tuple.</summary>
    public static readonly PyList EmptyTuple = new([], SequenceKind.Tuple);

    /// <summary>A sequence of <paramref name="kind"/> holding <paramref name="items"/> (which the caller no longer changes).</summary>
    public PyList(IReadOnlyList<object?> items, SequenceKind kind = SequenceKind.List)
    {
        Items = items;
        Kind = kind;
    }

    /// <summary>The items.</summary>
    public IReadOnlyList<object?> Items { get; }

    /// <summary>The Python type this stands for.</summary>
    public SequenceKind Kind { get; }

    /// <summary>For a range: its start and step (the stop follows from the count), so it prints as Python does.</summary>
    public (long Start, long Stop, long Step) RangeBounds { get; init; }

    /// <summary>The number of items.</summary>
    public int Count => Items.Count;

    /// <summary>True for list, tuple and range, which support <c>[i]</c> and slicing.</summary>
    public bool IsIndexable => Kind is SequenceKind.List or SequenceKind.Tuple or SequenceKind.Range;

    /// <summary>A list of <paramref name="items"/>.</summary>
    public static PyList Of(IReadOnlyList<object?> items) => items.Count == 0 ? Empty : new PyList(items);

    /// <summary>A tuple of <paramref name="items"/>.</summary>
    public static PyList Tuple(params object?[] items) => items.Length == 0 ? EmptyTuple : new PyList(items, SequenceKind.Tuple);
}
