// Executable pages for assembled kernels: mapped writable, filled, then made read-and-execute (never both at once).
using System.Runtime.InteropServices;

namespace Strata.Kernels.Jit;

/// <summary>
/// Places machine code in its own pages through mmap and mprotect (Linux x86-64 only): the pages are writable while
/// the code is copied in and read-and-execute afterwards, never writable and executable together. The pages live as
/// long as the process: kernels are assembled once and their function pointers are cached.
/// </summary>
internal static unsafe partial class ExecutableCode
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    /// <summary>True where code can be placed: Linux on x86-64.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Copies <paramref name="code"/> into fresh executable pages and returns their address.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux x86-64.</exception>
    /// <exception cref="InvalidOperationException">mmap or mprotect failed.</exception>
    public static nint Place(ReadOnlySpan<byte> code)
    {
        if (!Supported)
        {
            throw new PlatformNotSupportedException("assembled kernels need Linux on x86-64");
        }

        nuint length = (nuint)((code.Length + 4095) & ~4095);
        nint p = Mmap(0, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == -1 || p == 0)
        {
            throw new InvalidOperationException($"mmap of {length} bytes for kernel code failed (errno {Marshal.GetLastPInvokeError()})");
        }

        code.CopyTo(new Span<byte>((void*)p, code.Length));
        if (Mprotect(p, length, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _ = Munmap(p, length);
            throw new InvalidOperationException($"mprotect of kernel code to read-execute failed (errno {errno})");
        }

        return p;
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint addr, nuint length, int prot);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint addr, nuint length);
}
