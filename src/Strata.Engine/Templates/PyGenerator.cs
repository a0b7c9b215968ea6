// A lazy, single-use sequence, as the generators jinja2's select, map, selectattr and friends return.
namespace Strata.Engine.Templates;

/// <summary>
/// A generator: it yields its items once, lazily (so a filter's failure surfaces only when the items are used), and is
/// empty when iterated again, as in Python. It has no length, cannot be indexed and is not JSON serializable.
/// </summary>
internal sealed class PyGenerator
{
    private IEnumerator<object?>? _items;

    /// <summary>A generator over <paramref name="items"/>, which is enumerated at most once.</summary>
    /// <param name="items">the items, produced lazily</param>
    /// <param name="typeName">Python's name for the iterator type ("generator", "list_reverseiterator")</param>
    public PyGenerator(IEnumerable<object?> items, string typeName = "generator")
    {
        _items = items.GetEnumerator();
        TypeName = typeName;
    }

    /// <summary>Python's name for the iterator's type.</summary>
    public string TypeName { get; }

    /// <summary>The remaining items; later calls see only what earlier ones did not take.</summary>
    public IEnumerable<object?> Drain()
    {
        while (_items is not null && _items.MoveNext())
        {
            yield return _items.Current;
        }

        _items?.Dispose();
        _items = null;
    }
}
