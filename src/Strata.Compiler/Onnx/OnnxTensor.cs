// A constant tensor of an ONNX model (an initializer or a Constant's value): name, element type, dims and its bytes.
namespace Strata.Compiler.Onnx;

/// <summary>
/// A tensor (TensorProto) whose byte length was checked against its dims and element type. Data stored as raw_data is a
/// slice of the loaded file (mapped, not copied) and lives as long as the <see cref="OnnxModel"/>; data stored in the
/// typed fields (float_data, int64_data, ...) was decoded into a small little-endian array at load.
/// </summary>
/// <param name="Name">tensor name (the value name nodes refer to)</param>
/// <param name="DataType">element type</param>
/// <param name="Dims">dimensions, each non-negative; empty for a scalar</param>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, IReadOnlyList<long> Dims)
{
    private readonly OnnxByteSource? _source;
    private readonly long _sourceOffsetBytes;
    private readonly byte[] _decoded = [];

    internal OnnxTensor(string name, OnnxDataType dataType, IReadOnlyList<long> dims, OnnxByteSource source, long offsetBytes, int lengthBytes)
        : this(name, dataType, dims)
    {
        _source = source;
        _sourceOffsetBytes = offsetBytes;
        ByteLength = lengthBytes;
        DataOffsetBytes = offsetBytes;
    }

    internal OnnxTensor(string name, OnnxDataType dataType, IReadOnlyList<long> dims, byte[] decoded)
        : this(name, dataType, dims)
    {
        _decoded = decoded;
        ByteLength = decoded.Length;
    }

    /// <summary>Number of elements: the product of <see cref="Dims"/> (1 for a scalar).</summary>
    public long ElementCount { get; internal init; } = 1;

    /// <summary>Length of <see cref="Bytes"/>.</summary>
    public long ByteLength { get; }

    /// <summary>Offset of the raw_data bytes in the loaded file or buffer; null when they were decoded from typed fields.</summary>
    public long? DataOffsetBytes { get; }

    /// <summary>Elements of a <see cref="OnnxDataType.String"/> tensor (which has no <see cref="Bytes"/>).</summary>
    public IReadOnlyList<string> Strings { get; internal init; } = [];

    /// <summary>The elements, little-endian, densely packed (4-bit types two per byte). Valid while the model is open.</summary>
    public ReadOnlySpan<byte> Bytes => _source is not null ? _source.Slice(_sourceOffsetBytes, (int)ByteLength) : _decoded;

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DataType}[{string.Join(", ", Dims)}]";
}
