// The shape of a tensor value: its dims, each fixed or symbolic.
using System.Text;

namespace Strata.Compiler.Graphs;

/// <summary>An immutable shape. A value whose rank is not known has no shape (null), not an empty one: [] is a scalar.</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly Dim[] _dims;

    /// <summary>A shape of <paramref name="dims"/> (copied).</summary>
    public TensorShape(params ReadOnlySpan<Dim> dims) => _dims = dims.ToArray();

    /// <summary>A scalar's shape.</summary>
    public static TensorShape Scalar { get; } = new();

    /// <summary>The dims, outermost first.</summary>
    public IReadOnlyList<Dim> Dims => _dims;

    /// <summary>Number of dims.</summary>
    public int Rank => _dims.Length;

    /// <summary>Dim <paramref name="axis"/>; negative counts from the end.</summary>
    public Dim this[int axis] => _dims[axis < 0 ? axis + _dims.Length : axis];

    /// <summary>True when every dim is a fixed size.</summary>
    public bool IsKnown => Array.TrueForAll(_dims, d => d.IsKnown);

    /// <summary>True when any dim is unknown.</summary>
    public bool HasUnknown => Array.Exists(_dims, d => d.IsUnknown);

    /// <summary>A fixed shape.</summary>
    public static TensorShape Of(params ReadOnlySpan<long> sizes)
    {
        var dims = new Dim[sizes.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = Dim.Of(sizes[i]);
        }

        return new TensorShape(dims);
    }

    /// <summary>The number of elements as a dim (product of all dims; 1 for a scalar).</summary>
    public Dim ElementCount()
    {
        var count = Dim.Of(1);
        foreach (var d in _dims)
        {
            count = count.Times(d);
        }

        return count;
    }

    /// <summary>The fixed sizes; throws when a dim is symbolic.</summary>
    /// <exception cref="InvalidOperationException">a dim is not fixed</exception>
    public long[] Sizes()
    {
        var sizes = new long[_dims.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            sizes[i] = _dims[i].IsKnown ? _dims[i].Factor : throw new InvalidOperationException($"shape {this} is not fixed");
        }

        return sizes;
    }

    /// <summary>The sizes with every symbol bound.</summary>
    public long[] Evaluate(IReadOnlyDictionary<string, long> bindings)
    {
        var sizes = new long[_dims.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            sizes[i] = _dims[i].Evaluate(bindings);
        }

        return sizes;
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < _dims.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(_dims[i]);
        }

        return text.Append(']').ToString();
    }
}
