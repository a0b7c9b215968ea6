// A 64-byte-aligned block of native memory (KV cache, scratch) outside the GC heap.
using System.Runtime.InteropServices;

namespace Strata.Substrate;

/// <summary>Owns an aligned native allocation; its address is stable until <see cref="Dispose"/>.</summary>
public sealed unsafe partial class NativeBuffer : IDisposable
{
    private const long HugePage = 2L << 20;
    private void* _pointer;
    private nuint _mapped; // bytes mapped at _pointer by mmap (huge pages), 0 for an AlignedAlloc block

    /// <summary>Allocates <paramref name="bytes"/> bytes aligned to 64, zeroed unless <paramref name="zeroed"/> is false.</summary>
    /// <remarks>
    /// Without zeroing, a large buffer's pages stay uncommitted until first written, so memory that is reserved but not
    /// yet used (a KV cache's later positions) costs no resident memory.
    /// </remarks>
    public NativeBuffer(long bytes, bool zeroed = true)
        : this(bytes, zeroed, hugePages: false)
    {
    }

    /// <summary>
    /// As <see cref="NativeBuffer(long, bool)"/>; with <paramref name="hugePages"/> on Linux a buffer of at least 2 MiB
    /// starts on a 2 MiB boundary and asks for transparent huge pages (madvise MADV_HUGEPAGE, which the common "madvise"
    /// setting honours): for data streamed whole again and again (packed weights, read once per decoded token), where
    /// 4 KiB pages cost a TLB miss every 4 KiB. Only whole 2 MiB ranges inside the buffer can become huge pages, so the
    /// resident size stays the bytes written.
    /// </summary>
    public NativeBuffer(long bytes, bool zeroed, bool hugePages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Bytes = bytes;
        if (hugePages && bytes >= HugePage && OperatingSystem.IsLinux() && MapHuge(bytes) is var mapped && mapped != null)
        {
            _pointer = mapped; // anonymous pages read as zero
            return;
        }

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
            if (_mapped != 0)
            {
                _ = Munmap((nint)_pointer, _mapped);
            }
            else
            {
                NativeMemory.AlignedFree(_pointer);
            }

            _pointer = null;
        }
    }

    // mmap with a 2 MiB slack, the unaligned head and the tail beyond the buffer's pages given back, then MADV_HUGEPAGE.
    private void* MapHuge(long bytes)
    {
        nuint length = (nuint)((bytes + 4095) & ~4095L);
        nint raw = Mmap(0, length + (nuint)HugePage, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (raw == -1)
        {
            return null;
        }

        nint start = (nint)((raw + (HugePage - 1)) & ~(HugePage - 1));
        nint end = start + (nint)length;
        if (start > raw)
        {
            _ = Munmap(raw, (nuint)(start - raw));
        }

        if (raw + (nint)length + (nint)HugePage > end)
        {
            _ = Munmap(end, (nuint)(raw + (nint)length + (nint)HugePage - end));
        }

        _ = Madvise(start, length, MadvHugePage);
        _mapped = length;
        return (void*)start;
    }

    private const int MadvHugePage = 14;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}
