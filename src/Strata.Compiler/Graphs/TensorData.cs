// The bytes of a constant value: an initializer mapped from the model file, or a small array a pass computed.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Strata.Compiler.Graphs;

/// <summary>
/// Constant tensor data, little-endian and densely packed, at a fixed address: a slice of a mapped model file (valid while
/// the owner, e.g. the opened model, is alive) or a pinned array this object owns. Kernels read it by address.
/// </summary>
public sealed unsafe class TensorData
{
    private readonly byte[]? _owned;
    private readonly nint _address;
    private readonly object? _keepAlive;

    private TensorData(DType type, long[] dims, byte[]? owned, nint address, long byteLength, object? keepAlive)
    {
        Type = type;
        _dims = dims;
        _owned = owned;
        _address = address;
        ByteLength = byteLength;
        _keepAlive = keepAlive;
        long count = 1;
        foreach (long d in dims)
        {
            count = d >= 0 ? checked(count * d) : throw new ArgumentException($"dim {d} is negative", nameof(dims));
        }

        ElementCount = count;
        if (type.Size() > 0 && checked(count * type.Size()) != byteLength)
        {
            throw new ArgumentException($"{count} elements of {type.Text()} need {count * type.Size()} bytes, not {byteLength}", nameof(byteLength));
        }
    }

    private readonly long[] _dims;

    /// <summary>Element type.</summary>
    public DType Type { get; }

    /// <summary>Dimensions (empty for a scalar).</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Length of the data in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>True when the bytes lie in the model file's mapping rather than in memory this object owns.</summary>
    public bool IsMapped => _owned is null;

    /// <summary>The object whose lifetime keeps mapped bytes valid (null for owned data).</summary>
    public object? Owner => _keepAlive;

    /// <summary>The shape of the data.</summary>
    public TensorShape Shape => TensorShape.Of(_dims);

    /// <summary>Address of the first byte (pinned or mapped).</summary>
    public nint Address => _owned is not null ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_owned)) : _address;

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _owned is not null ? _owned : new ReadOnlySpan<byte>((void*)_address, checked((int)ByteLength));

    /// <summary>The elements as <typeparamref name="T"/> (which must match <see cref="Type"/>'s size).</summary>
    public ReadOnlySpan<T> As<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

    /// <summary>Data that lies at <paramref name="address"/> for as long as <paramref name="owner"/> lives (a mapped model file).</summary>
    public static TensorData Mapped(DType type, long[] dims, nint address, long byteLength, object owner) =>
        new(type, (long[])dims.Clone(), null, address, byteLength, owner);

    /// <summary>A pinned copy of <paramref name="bytes"/>.</summary>
    public static TensorData Copy(DType type, long[] dims, ReadOnlySpan<byte> bytes)
    {
        var owned = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(owned);
        return new(type, (long[])dims.Clone(), owned, 0, owned.Length, null);
    }

    /// <summary>f32 data.</summary>
    public static TensorData FromFloats(long[] dims, ReadOnlySpan<float> values) => Copy(DType.F32, dims, MemoryMarshal.AsBytes(values));

    /// <summary>i64 data.</summary>
    public static TensorData FromInt64s(long[] dims, ReadOnlySpan<long> values) => Copy(DType.I64, dims, MemoryMarshal.AsBytes(values));

    /// <inheritdoc/>
    public override string ToString() => $"{Type.Text()}{Shape}";
}
