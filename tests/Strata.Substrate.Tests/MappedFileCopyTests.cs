// MappedFile with FileLoad.Copy: the bytes are the file's as loaded, page-aligned, hashed, and nothing done to the file later reaches them.
using System.Security.Cryptography;
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed unsafe class MappedFileCopyTests
{
    [Fact]
    public void OpenCopy_FileTruncatedThenOverwritten_BytesAndHashStayTheLoadedOnes()
    {
        string path = TempFile(3 << 20, seed: 5, out byte[] bytes);
        try
        {
            using var file = MappedFile.Open(path, FileLoad.Copy);
            Assert.Equal(FileLoad.Copy, file.Load);
            Assert.Equal(0, file.BaseAddress % Environment.SystemPageSize); // offsets keep their alignment, as in a mapping
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.ContentSha256);

            // `truncate`, then `cp other over it`: a mapping would fault on the lost pages (SIGBUS) or read the new bytes.
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.SetLength(4096);
            }

            File.WriteAllBytes(path, new byte[bytes.Length]);

            var view = new ReadOnlySpan<byte>((void*)file.BaseAddress, bytes.Length);
            Assert.True(view.SequenceEqual(bytes), "the copy changed with the file");
            Assert.True(file.Span(bytes.Length - 16, 16).SequenceEqual(bytes.AsSpan(bytes.Length - 16)));
            Assert.True(FileIdentity.TryOf(path, out var now));
            Assert.NotEqual(file.Identity, now);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OpenMap_FileOverwrittenInPlace_BytesChangeWithIt()
    {
        // The behaviour FileLoad.Map documents, and the reason Copy is the default.
        string path = TempFile(1 << 20, seed: 6, out byte[] bytes);
        try
        {
            using var file = MappedFile.Open(path, FileLoad.Map);
            Assert.Null(file.ContentSha256);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.Position = 100;
                stream.Write([(byte)(bytes[100] ^ 0xFF)]);
            }

            Assert.Equal((byte)(bytes[100] ^ 0xFF), file.Span(100, 1)[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DropResident_Copy_FreesWholePagesAndKeepsTheRest()
    {
        string path = TempFile(64 << 20, seed: 7, out byte[] bytes);
        try
        {
            using var file = MappedFile.Open(path, FileLoad.Copy);
            long before = Resident();
            long page = Environment.SystemPageSize;
            long dropped = file.DropResident(file.BaseAddress + 100, bytes.Length - 200);
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(bytes.Length - (2 * page), dropped);
                Assert.True(before - Resident() > (48L << 20), $"resident {before >> 20} → {Resident() >> 20} MiB after dropping 64 MiB of the copy");
            }

            // The partial pages at both ends were kept: their bytes still read as loaded.
            Assert.True(file.Span(0, (int)page).SequenceEqual(bytes.AsSpan(0, (int)page)));
            Assert.True(file.Span(bytes.Length - page, (int)page).SequenceEqual(bytes.AsSpan(bytes.Length - (int)page)));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.DropResident(file.BaseAddress + 100, bytes.Length));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OpenCopy_EmptyFile_HasNoBytesAndTheEmptyHash()
    {
        string path = TempFile(0, seed: 8, out _);
        try
        {
            using var file = MappedFile.Open(path, FileLoad.Copy);
            Assert.Equal(0, file.LengthBytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), file.ContentSha256);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string TempFile(int length, int seed, out byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-copy-{Guid.NewGuid():N}.bin");
        bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static long Resident()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
