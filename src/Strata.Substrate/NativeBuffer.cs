// A 64-byte-aligned block of native memory (KV cache, scratch) outside the GC heap.
using System.Runtime.InteropServices;

namespace Strata.Substrate;

/// <summary>Owns an aligned native allocation; its address is stable until <see cref="Dispose"/>.</summary>
public sealed unsafe class NativeBuffer : IDisposable
{
    private void* _pointer;

    /// <summary>Allocates <paramref name="bytes"/> bytes aligned to 64, zeroed unless <paramref name="zeroed"/> is false.</summary>
    /// <remarks>
    /// Without zeroing, a large buffer's pages stay uncommitted until first written, so memory that is reserved but not
    /// yet used (a KV cache's later positions) costs no resident memory.
    /// </remarks>
    public NativeBuffer(long bytes, bool zeroed = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Bytes = bytes;
        _pointer = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        if (zeroed)
        {
            NativeMemory.Clear(_pointer, (nuint)bytes);
        }
    }

    /// <summary>Size in bytes.</summary>
    public long Bytes { get; }

    /// <summary>Address of the first byte.</summary>
    public nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return (nint)_pointer;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
