// FileIdentity: one stat call tells a file written, truncated, replaced or removed since from the same file untouched.
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class FileIdentityTests
{
    [Fact]
    public void TryOf_UntouchedFile_IsEqualToTheOpenHandlesIdentity()
    {
        string path = TempFile();
        try
        {
            using var handle = File.OpenHandle(path);
            Assert.True(FileIdentity.TryOf(path, out var byPath));
            Assert.Equal(FileIdentity.Of(handle, path), byPath);
            Assert.Equal(4096, byPath.LengthBytes);
            Assert.True(FileIdentity.TryOf(path, out var again));
            Assert.Equal(byPath, again);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TryOf_SameSizeOverwriteInPlace_Differs()
    {
        // `dd conv=notrunc`: same inode, same size, other bytes; only the change times tell. (Linux 6.13+ gives a change that
        // follows a stat a finer time stamp; older kernels may give two changes within one clock tick the same time.)
        string path = TempFile();
        try
        {
            Assert.True(FileIdentity.TryOf(path, out var before));
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                stream.Position = 10;
                stream.Write([1, 2, 3]);
            }

            Assert.True(FileIdentity.TryOf(path, out var after));
            Assert.Equal(before.LengthBytes, after.LengthBytes);
            Assert.NotEqual(before, after);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TryOf_FileReplacedByRenameOrRemoved_DiffersOrFails()
    {
        string path = TempFile();
        string other = TempFile();
        try
        {
            Assert.True(FileIdentity.TryOf(path, out var before));
            File.Move(other, path, overwrite: true); // `mv new.gguf served.gguf`
            Assert.True(FileIdentity.TryOf(path, out var replaced));
            Assert.NotEqual(before, replaced);
            if (OperatingSystem.IsLinux())
            {
                Assert.NotEqual(before.Inode, replaced.Inode);
            }

            File.Delete(path);
            Assert.False(FileIdentity.TryOf(path, out _));
        }
        finally
        {
            File.Delete(path);
            File.Delete(other);
        }
    }

    private static string TempFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-identity-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, new byte[4096]);
        return path;
    }
}
