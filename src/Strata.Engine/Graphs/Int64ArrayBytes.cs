// The bytes of a run of int64 elements in an array, as ReadOnlyMemory<byte> without copying them (graph inputs are
// token ids, masks and type ids held as long[]; the runner copies them into its arena once).
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Strata.Engine.Graphs;

/// <summary>A view of <c>array[start .. start + length)</c> as little-endian bytes; the array must not change while the memory is used.</summary>
internal sealed unsafe class Int64ArrayBytes : MemoryManager<byte>
{
    private readonly long[] _array;
    private readonly int _start;
    private readonly int _length;

    /// <summary>A view of <paramref name="length"/> elements of <paramref name="array"/> from <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside the array</exception>
    public Int64ArrayBytes(long[] array, int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, array.Length - start);
        _array = array;
        _start = start;
        _length = length;
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(_array.AsSpan(_start, _length));

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length * sizeof(long));
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        byte* first = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array)) + ((long)_start * sizeof(long));
        return new MemoryHandle(first + elementIndex, handle, this);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
        // The GCHandle Pin made is freed by the MemoryHandle's Dispose; nothing else is held.
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // Nothing owned: the array belongs to the caller.
    }
}
