// Jinja's namespace(): the one mutable object a template has, so values can be carried out of loops with set ns.x = ...
namespace Strata.Engine.Templates;

/// <summary>A <c>namespace(...)</c> object; <c>{% set ns.attr = value %}</c> writes its attributes.</summary>
internal sealed class Namespace
{
    private readonly OrderedDictionary<string, object?> _attributes = new(StringComparer.Ordinal);

    /// <summary>The attributes in the order they were first set.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Attributes => _attributes;

    /// <summary>The attribute <paramref name="name"/>, if set.</summary>
    public bool TryGet(string name, out object? value) => _attributes.TryGetValue(name, out value);

    /// <summary>Sets the attribute <paramref name="name"/>.</summary>
    public void Set(string name, object? value) => _attributes[name] = value;
}
