// One attribute of a graph node: an integer, a float, a string, a list of them, a tensor, or a foreign payload.
using System.Globalization;

namespace Strata.Compiler.Graphs;

/// <summary>What an attribute holds.</summary>
public enum AttributeKind
{
    /// <summary>One 64-bit integer.</summary>
    Int = 1,
    /// <summary>One float.</summary>
    Float = 2,
    /// <summary>One string.</summary>
    String = 3,
    /// <summary>Integers.</summary>
    Ints = 4,
    /// <summary>Floats.</summary>
    Floats = 5,
    /// <summary>Strings.</summary>
    Strings = 6,
    /// <summary>A constant tensor.</summary>
    Tensor = 7,
    /// <summary>
    /// Something only a foreign runtime reads (a subgraph, a sparse tensor, a type): kept as the serialized ONNX
    /// AttributeProto in <see cref="AttributeValue.Raw"/> so the partitioner can hand it on unchanged.
    /// </summary>
    Foreign = 8,
}

/// <summary>An immutable attribute value; only the member <see cref="Kind"/> names is meaningful.</summary>
public sealed record AttributeValue(AttributeKind Kind)
{
    /// <summary>Value of an <see cref="AttributeKind.Int"/>.</summary>
    public long Int { get; init; }

    /// <summary>Value of a <see cref="AttributeKind.Float"/>.</summary>
    public float Float { get; init; }

    /// <summary>Value of a <see cref="AttributeKind.String"/>.</summary>
    public string String { get; init; } = string.Empty;

    /// <summary>Value of <see cref="AttributeKind.Ints"/>.</summary>
    public IReadOnlyList<long> Ints { get; init; } = [];

    /// <summary>Value of <see cref="AttributeKind.Floats"/>.</summary>
    public IReadOnlyList<float> Floats { get; init; } = [];

    /// <summary>Value of <see cref="AttributeKind.Strings"/>.</summary>
    public IReadOnlyList<string> Strings { get; init; } = [];

    /// <summary>Value of a <see cref="AttributeKind.Tensor"/>.</summary>
    public TensorData? Tensor { get; init; }

    /// <summary>The serialized ONNX AttributeProto of a <see cref="AttributeKind.Foreign"/> attribute.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>An integer.</summary>
    public static AttributeValue Of(long value) => new(AttributeKind.Int) { Int = value };

    /// <summary>A float.</summary>
    public static AttributeValue Of(float value) => new(AttributeKind.Float) { Float = value };

    /// <summary>A string.</summary>
    public static AttributeValue Of(string value) => new(AttributeKind.String) { String = value };

    /// <summary>Integers.</summary>
    public static AttributeValue Of(long[] values) => new(AttributeKind.Ints) { Ints = values };

    /// <summary>Floats.</summary>
    public static AttributeValue Of(float[] values) => new(AttributeKind.Floats) { Floats = values };

    /// <summary>Canonical text (enters graph text and executable hashes; floats round-trip).</summary>
    public override string ToString() => Kind switch
    {
        AttributeKind.Int => Int.ToString(CultureInfo.InvariantCulture),
        AttributeKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        AttributeKind.String => $"'{String}'",
        AttributeKind.Ints => $"[{string.Join(',', Ints)}]",
        AttributeKind.Floats => $"[{string.Join(',', Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture)))}]",
        AttributeKind.Strings => $"[{string.Join(',', Strings.Select(s => $"'{s}'"))}]",
        AttributeKind.Tensor => $"tensor {Tensor}",
        _ => $"foreign({Raw.Length} bytes, sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Raw.Span))[..16]})",
    };
}
