// A read-only memory-mapped file: model weights are read in place, never copied.
using System.IO.MemoryMappedFiles;

namespace Strata.Substrate;

/// <summary>
/// Maps a whole file read-only and exposes it as a base pointer and length. The mapping lives until
/// <see cref="Dispose"/>; every span handed out is bounds-checked against <see cref="LengthBytes"/>.
/// </summary>
public sealed unsafe partial class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _base;

    private MappedFile(string path, long lengthBytes, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer)
    {
        Path = path;
        LengthBytes = lengthBytes;
        _map = map;
        _view = view;
        _base = basePointer;
    }

    /// <summary>Full path of the mapped file.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long LengthBytes { get; }

    /// <summary>Address of byte 0 (valid until disposal; zero for an empty file).</summary>
    public nint BaseAddress => (nint)_base;

    /// <summary>Opens and maps <paramref name="path"/> read-only.</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    public static MappedFile Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"model file not found: '{fullPath}'", fullPath);
        }

        long length = new FileInfo(fullPath).Length;
        if (length == 0)
        {
            return new MappedFile(fullPath, 0, null, null, null);
        }

        var map = MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new MappedFile(fullPath, length, map, view, pointer);
        }
        catch
        {
            map.Dispose();
            throw;
        }
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
    /// The mapping is read-only and file-backed, so nothing is lost: a later read faults the page back in from the file
    /// (an embedding table tied to a packed output head is still looked up row by row). Returns the bytes released.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is not inside the mapping</exception>
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
        if (end <= start)
        {
            return 0;
        }

        return Madvise((nint)start, (nuint)(end - start), MadvDontNeed) == 0 ? end - start : 0;
    }

    private const int MadvDontNeed = 4;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

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
            _base = null;
        }

        _view?.Dispose();
        _map?.Dispose();
    }
}
