// Which Python sequence type a PyList stands for: it decides printing, JSON, equality and what indexing allows.
namespace Strata.Engine.Templates;

/// <summary>The Python type behind a <see cref="PyList"/>.</summary>
internal enum SequenceKind
{
    /// <summary><c>list</c>: prints as <c>[a, b]</c>.</summary>
    List,

    /// <summary><c>tuple</c>: prints as <c>(a, b)</c> or <c>(a,)</c>.</summary>
    Tuple,

    /// <summary><c>dict_keys</c> from <c>.keys()</c>: iterable, not indexable, not JSON.</summary>
    DictKeys,

    /// <summary><c>dict_values</c> from <c>.values()</c></summary>
    DictValues,

    /// <summary><c>dict_items</c> from <c>.items()</c></summary>
    DictItems,

    /// <summary><c>range</c>: indexable, prints as <c>range(a, b)</c>, not JSON.</summary>
    Range,
}
