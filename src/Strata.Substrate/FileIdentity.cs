// Which file a path names and its version: size, change times, inode and device, from one stat call.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Strata.Substrate;

/// <summary>
/// A file's identity and version as the file system reports them. Two identities differ when the file was written,
/// truncated or replaced in between: a write moves the modification and status-change times, a rename or copy onto the
/// path brings another inode, and no user call can set the status-change time back. On Linux it comes from statx; elsewhere
/// from the size and last-write time alone (inode, device and change time are 0).
/// </summary>
/// <param name="LengthBytes">size in bytes</param>
/// <param name="ModifiedNs">last data modification (mtime), nanoseconds since the Unix epoch</param>
/// <param name="ChangedNs">last status change (ctime), nanoseconds since the Unix epoch; 0 where not available</param>
/// <param name="Inode">inode number; 0 where not available</param>
/// <param name="Device">device the inode lives on (major &lt;&lt; 32 | minor); 0 where not available</param>
public readonly partial record struct FileIdentity(long LengthBytes, long ModifiedNs, long ChangedNs, ulong Inode, ulong Device)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBytes = 256;

    /// <summary>The identity of the file <paramref name="path"/> names now; false when it does not exist or cannot be read.</summary>
    public static bool TryOf(string path, out FileIdentity identity)
    {
        if (OperatingSystem.IsLinux())
        {
            return TryStatx(AtFdCwd, path, 0, out identity);
        }

        var info = new FileInfo(path);
        identity = info.Exists ? new FileIdentity(info.Length, UnixNs(info.LastWriteTimeUtc), 0, 0, 0) : default;
        return info.Exists;
    }

    /// <summary>The identity of the open file <paramref name="handle"/> (the inode it holds, whatever its path names now).</summary>
    /// <exception cref="IOException">the file system did not answer</exception>
    public static FileIdentity Of(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsLinux())
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                return TryStatx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, out var identity)
                    ? identity
                    : throw new IOException($"statx of the open file '{path}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        return new FileIdentity(RandomAccess.GetLength(handle), UnixNs(File.GetLastWriteTimeUtc(path)), 0, 0, 0);
    }

    private static unsafe bool TryStatx(int directory, string path, int flags, out FileIdentity identity)
    {
        // struct statx (linux/stat.h) has one layout on every architecture: offsets below are from that header.
        byte* buffer = stackalloc byte[StatxBytes];
        if (Statx(directory, path, flags, StatxBasicStats, buffer) != 0)
        {
            identity = default;
            return false;
        }

        static long Time(byte* at) => (*(long*)at * 1_000_000_000L) + *(uint*)(at + 8);
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        identity = new FileIdentity((long)*(ulong*)(buffer + 40), Time(buffer + 112), Time(buffer + 96), *(ulong*)(buffer + 32), device);
        return true;
    }

    private static long UnixNs(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
