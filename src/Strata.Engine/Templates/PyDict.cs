// An immutable Python dict: insertion-ordered, keyed with Python's equality (1 == 1.0 == True).
namespace Strata.Engine.Templates;

/// <summary>A mapping value; built once (from JSON, a dict literal or <c>dict()</c>) and then only read.</summary>
internal sealed class PyDict
{
    /// <summary>The empty dict.</summary>
    public static readonly PyDict Empty = new(new OrderedDictionary<object, object?>(PyKeyComparer.Instance));

    private readonly OrderedDictionary<object, object?> _items;

    private PyDict(OrderedDictionary<object, object?> items) => _items = items;

    /// <summary>The number of keys.</summary>
    public int Count => _items.Count;

    /// <summary>The keys in insertion order (None is <see cref="PyKeyComparer.NoneKey"/>).</summary>
    public IEnumerable<object?> Keys => _items.Keys.Select(PyKeyComparer.FromKey);

    /// <summary>The values in insertion order.</summary>
    public IEnumerable<object?> Values => _items.Values;

    /// <summary>The (key, value) pairs in insertion order.</summary>
    public IEnumerable<KeyValuePair<object?, object?>> Pairs => _items.Select(p => new KeyValuePair<object?, object?>(PyKeyComparer.FromKey(p.Key), p.Value));

    /// <summary>The value for <paramref name="key"/>, by Python equality.</summary>
    public bool TryGet(object? key, out object? value) => _items.TryGetValue(PyKeyComparer.ToKey(key), out value);

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(object? key) => _items.ContainsKey(PyKeyComparer.ToKey(key));

    /// <summary>Builds a dict; a repeated key keeps its first position and takes the last value, as Python's does.</summary>
    internal sealed class Builder
    {
        private readonly OrderedDictionary<object, object?> _items = new(PyKeyComparer.Instance);

        /// <summary>Sets <paramref name="key"/> (which must be hashable) to <paramref name="value"/>.</summary>
        /// <exception cref="PyError">the key is a list, dict or other unhashable value</exception>
        public Builder Set(object? key, object? value)
        {
            PyKeyComparer.EnsureHashable(key);
            _items[PyKeyComparer.ToKey(key)] = value;
            return this;
        }

        /// <summary>The dict built so far; the builder must not be used afterwards.</summary>
        public PyDict Build() => _items.Count == 0 ? Empty : new PyDict(_items);
    }
}
