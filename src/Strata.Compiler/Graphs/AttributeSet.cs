// The attributes of a node, by name, in a canonical order so graph text (and the executable hash) is deterministic.
using System.Text;

namespace Strata.Compiler.Graphs;

/// <summary>An immutable name → value map of a node's attributes, sorted by name.</summary>
public sealed class AttributeSet
{
    private readonly SortedDictionary<string, AttributeValue> _values;

    private AttributeSet(SortedDictionary<string, AttributeValue> values) => _values = values;

    /// <summary>No attributes.</summary>
    public static AttributeSet Empty { get; } = new(new(StringComparer.Ordinal));

    /// <summary>The attributes, by name.</summary>
    public IReadOnlyDictionary<string, AttributeValue> Values => _values;

    /// <summary>Number of attributes.</summary>
    public int Count => _values.Count;

    /// <summary>A set of <paramref name="values"/>.</summary>
    public static AttributeSet Of(IEnumerable<KeyValuePair<string, AttributeValue>> values)
    {
        var map = new SortedDictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }

        return new AttributeSet(map);
    }

    /// <summary>This set with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public AttributeSet With(string name, AttributeValue value)
    {
        var map = new SortedDictionary<string, AttributeValue>(_values, StringComparer.Ordinal) { [name] = value };
        return new AttributeSet(map);
    }

    /// <summary>The attribute called <paramref name="name"/>, if present.</summary>
    public bool TryGet(string name, out AttributeValue value) => _values.TryGetValue(name, out value!);

    /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => _values.TryGetValue(name, out var v) && v.Kind == AttributeKind.Int ? v.Int : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => _values.TryGetValue(name, out var v) && v.Kind == AttributeKind.Float ? v.Float : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) => _values.TryGetValue(name, out var v) && v.Kind == AttributeKind.String ? v.String : fallback;

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public IReadOnlyList<long>? Ints(string name) => _values.TryGetValue(name, out var v) && v.Kind == AttributeKind.Ints ? v.Ints : null;

    /// <inheritdoc/>
    public override string ToString()
    {
        if (_values.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("{");
        foreach (var (name, value) in _values)
        {
            text.Append(text.Length == 1 ? string.Empty : ", ").Append(name).Append('=').Append(value);
        }

        return text.Append('}').ToString();
    }
}
