// Dict-key equality and hashing with Python's rules: 1, 1.0 and True are the same key; lists and dicts are unhashable.
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>Python key semantics for <see cref="PyDict"/>; None is stored as <see cref="NoneKey"/>.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    /// <summary>The one comparer.</summary>
    public static readonly PyKeyComparer Instance = new();

    /// <summary>Stands for None as a key (dictionary keys cannot be null).</summary>
    public static readonly object NoneKey = new();

    /// <summary>The stored form of <paramref name="key"/>.</summary>
    public static object ToKey(object? key) => key ?? NoneKey;

    /// <summary>The Python value of a stored key.</summary>
    public static object? FromKey(object key) => ReferenceEquals(key, NoneKey) ? null : key;

    /// <summary>Throws for keys Python cannot hash.</summary>
    /// <exception cref="PyError">the key is a list, dict or namespace, or a tuple holding one</exception>
    public static void EnsureHashable(object? key)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PyError("key nested too deeply to hash");
        }

        switch (key)
        {
            case PyList { Kind: SequenceKind.Tuple } tuple:
                foreach (var item in tuple.Items)
                {
                    EnsureHashable(item);
                }

                break;
            case PyList or PyDict or Namespace:
                throw new PyError($"unhashable type: '{PyTypes.Name(key)}'");
        }
    }

    /// <inheritdoc/>
    public new bool Equals(object? x, object? y) => PyCompare.AreEqual(FromKey(x ?? NoneKey), FromKey(y ?? NoneKey));

    /// <inheritdoc/>
    public int GetHashCode(object obj) => obj switch
    {
        string s => StringComparer.Ordinal.GetHashCode(s),
        bool b => (b ? 1L : 0L).GetHashCode(),
        long l => l.GetHashCode(),
        double d when d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue => ((long)d).GetHashCode(),
        double d => d.GetHashCode(),
        PyList list => list.Items.Aggregate(17, (h, item) => (h * 31) + GetHashCode(ToKey(item))),
        _ => obj.GetHashCode(),
    };
}
