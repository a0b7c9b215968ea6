// A read-only view of a whole file at a stable address: the bytes copied into private memory, or the file mapped in place.
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Strata.Substrate;

/// <summary>
/// A whole file exposed as a base pointer and length, either copied into private anonymous memory
/// (<see cref="FileLoad.Copy"/>: nothing done to the file afterwards reaches these bytes) or mapped read-only in place
/// (<see cref="FileLoad.Map"/>). The bytes live until <see cref="Dispose"/>; every span handed out is bounds-checked against
/// <see cref="LengthBytes"/>.
/// </summary>
public sealed unsafe partial class MappedFile : IDisposable
{
    private const int ReadChunkBytes = 8 << 20;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly bool _anonymous; // Copy on Linux: an mmap'd anonymous region, released with munmap
    private byte* _base;

    private MappedFile(string path, long lengthBytes, FileLoad load, FileIdentity identity, string? contentSha256,
        MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, bool anonymous)
    {
        Path = path;
        LengthBytes = lengthBytes;
        Load = load;
        Identity = identity;
        ContentSha256 = contentSha256;
        _map = map;
        _view = view;
        _base = basePointer;
        _anonymous = anonymous;
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes (as loaded).</summary>
    public long LengthBytes { get; }

    /// <summary>Whether the bytes were copied into the process or are mapped from the file.</summary>
    public FileLoad Load { get; }

    /// <summary>The file's identity when it was opened (compare with <see cref="FileIdentity.TryOf"/> to see it change).</summary>
    public FileIdentity Identity { get; }

    /// <summary>
    /// SHA-256 of the bytes held, lowercase hex, computed while copying (<see cref="FileLoad.Copy"/>); null for a mapping,
    /// whose bytes are the file's and may change with it.
    /// </summary>
    public string? ContentSha256 { get; }

    /// <summary>Address of byte 0 (valid until disposal; zero for an empty file).</summary>
    public nint BaseAddress => (nint)_base;

    /// <summary>Opens and maps <paramref name="path"/> read-only in place (<see cref="FileLoad.Map"/>).</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    public static MappedFile Open(string path) => Open(path, FileLoad.Map);

    /// <summary>Opens <paramref name="path"/> and copies or maps it as <paramref name="load"/> says.</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    /// <exception cref="IOException">the file changed while it was being copied</exception>
    public static MappedFile Open(string path, FileLoad load)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"model file not found: '{fullPath}'", fullPath);
        }

        // The file may be replaced or written at any time by others: open it sharing everything, and take its size and
        // identity from the open handle, so they describe the inode these bytes come from.
        using var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var identity = FileIdentity.Of(handle, fullPath);
        long length = identity.LengthBytes;
        if (length == 0)
        {
            return new MappedFile(fullPath, 0, load, identity, load == FileLoad.Copy ? Convert.ToHexStringLower(SHA256.HashData([])) : null,
                null, null, null, false);
        }

        return load == FileLoad.Copy ? Copy(fullPath, handle, identity) : Map(fullPath, identity);
    }

    private static MappedFile Map(string fullPath, FileIdentity identity)
    {
        var map = MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = map.CreateViewAccessor(0, identity.LengthBytes, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new MappedFile(fullPath, identity.LengthBytes, FileLoad.Map, identity, null, map, view, pointer, false);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    // Reads the file into page-aligned anonymous memory (so every offset keeps its alignment within a page, as in a mapping),
    // hashing each chunk while it is in cache, then makes the copy read-only. A file that changes during the read is refused:
    // the copy would be of no version the file ever had.
    private static MappedFile Copy(string fullPath, Microsoft.Win32.SafeHandles.SafeFileHandle handle, FileIdentity before)
    {
        long length = before.LengthBytes;
        bool anonymous = OperatingSystem.IsLinux();
        byte* pointer = anonymous ? MapAnonymous(fullPath, length) : (byte*)NativeMemory.AlignedAlloc((nuint)length, (nuint)Environment.SystemPageSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long offset = 0; offset < length;)
            {
                var chunk = new Span<byte>(pointer + offset, (int)Math.Min(ReadChunkBytes, length - offset));
                int read = RandomAccess.Read(handle, chunk, offset);
                if (read == 0)
                {
                    throw new IOException($"model file '{fullPath}' ended at {offset} bytes while being read, expected {length}: it was truncated or replaced during the load");
                }

                hash.AppendData(chunk[..read]);
                offset += read;
            }

            var after = FileIdentity.Of(handle, fullPath);
            if (after != before)
            {
                throw new IOException($"model file '{fullPath}' changed while being read ({before} → {after}): load it again once it is complete");
            }

            if (anonymous && Mprotect((nint)pointer, (nuint)length, ProtRead) != 0)
            {
                throw new IOException($"mprotect(PROT_READ) of the copy of '{fullPath}' failed (errno {Marshal.GetLastPInvokeError()})");
            }

            return new MappedFile(fullPath, length, FileLoad.Copy, before, Convert.ToHexStringLower(hash.GetHashAndReset()), null, null, pointer, anonymous);
        }
        catch
        {
            Free(pointer, length, anonymous);
            throw;
        }
    }

    private static void Free(byte* pointer, long length, bool anonymous)
    {
        if (anonymous)
        {
            _ = Munmap((nint)pointer, (nuint)length);
        }
        else
        {
            NativeMemory.AlignedFree(pointer);
        }
    }

    private static byte* MapAnonymous(string fullPath, long length)
    {
        nint address = Mmap(0, (nuint)length, ProtRead | ProtWrite, MapPrivate | MapAnonymousFlag, -1, 0);
        if (address != -1)
        {
            // Transparent huge pages where the system allows them on request (the common "madvise" setting): weights are
            // streamed whole on every token, and 2 MiB pages spare the TLB misses of 4 KiB ones, as the page cache's large
            // folios spare a mapping's.
            _ = Madvise(address, (nuint)length, MadvHugePage);
        }

        return address == -1
            ? throw new InsufficientMemoryException($"cannot reserve {length} bytes of memory for a copy of '{fullPath}' (errno {Marshal.GetLastPInvokeError()})")
            : (byte*)address;
    }

    /// <summary>Returns bytes [offset, offset + count) or throws naming the range and the file size.</summary>
    public ReadOnlySpan<byte> Span(long offsetBytes, int countBytes)
    {
        CheckRange(offsetBytes, countBytes);
        return new ReadOnlySpan<byte>(_base + offsetBytes, countBytes);
    }

    /// <summary>Address of byte <paramref name="offsetBytes"/> after checking that <paramref name="countBytes"/> follow it.</summary>
    public nint Address(long offsetBytes, long countBytes)
    {
        CheckRange(offsetBytes, countBytes);
        return (nint)(_base + offsetBytes);
    }

    /// <summary>
    /// Takes the whole pages of [address, address + bytes) out of this process's resident set (Linux madvise
    /// MADV_DONTNEED; elsewhere nothing): for weights that were copied into another layout and are read from the copy.
    /// Mapped in place, nothing is lost: a later read faults the page back in from the file. Copied, the pages are freed
    /// for good and made inaccessible (a later read faults the process rather than read zeros): drop only ranges nothing
    /// reads again. Returns the bytes released.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside the file</exception>
    public long DropResident(nint address, long bytes)
    {
        CheckRange((long)((byte*)address - _base), bytes);
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long page = Environment.SystemPageSize;
        long start = ((long)address + page - 1) / page * page;
        long end = ((long)address + bytes) / page * page;
        if (end <= start || Madvise((nint)start, (nuint)(end - start), MadvDontNeed) != 0)
        {
            return 0;
        }

        if (_anonymous && Mprotect((nint)start, (nuint)(end - start), ProtNone) != 0)
        {
            throw new IOException($"mprotect(PROT_NONE) of {end - start} dropped bytes of the copy of '{Path}' failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return end - start;
    }

    private const int MadvDontNeed = 4;
    private const int MadvHugePage = 14;
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymousFlag = 0x20;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    private void CheckRange(long offsetBytes, long countBytes)
    {
        ObjectDisposedException.ThrowIf(_base == null && LengthBytes != 0, this);
        if (offsetBytes < 0 || countBytes < 0 || offsetBytes > LengthBytes - countBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetBytes),
                $"range [{offsetBytes}, {offsetBytes}+{countBytes}) lies outside '{Path}' ({LengthBytes} bytes)");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_view is not null && _base != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        else if (Load == FileLoad.Copy && _base != null)
        {
            Free(_base, LengthBytes, _anonymous);
        }

        _base = null;
        _view?.Dispose();
        _map?.Dispose();
    }
}
