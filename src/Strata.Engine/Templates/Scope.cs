// Variable scopes: a chain of frames, one per template, loop iteration, macro call or block, as Jinja's scoping rules need.
namespace Strata.Engine.Templates;

/// <summary>
/// A frame of variables. Reads fall through to the parent; writes stay in this frame, so a <c>set</c> inside a loop
/// body is gone at the next iteration and after the loop (each iteration gets a fresh frame), as in Jinja.
/// </summary>
internal sealed class Scope
{
    private readonly Scope? _parent;
    private Dictionary<string, object?>? _variables;

    /// <summary>A frame under <paramref name="parent"/> (null for the outermost one).</summary>
    public Scope(Scope? parent) => _parent = parent;

    /// <summary>The value of <paramref name="name"/> in this frame or the nearest one above that has it.</summary>
    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._variables is not null && scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Sets <paramref name="name"/> in this frame.</summary>
    public void Set(string name, object? value) => (_variables ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = value;
}
