// MappedFileTests: dropping resident pages of a read-only mapping loses nothing and leaves the resident set.
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed unsafe class MappedFileTests
{
    [Fact]
    public void DropResident_ReleasesWholePages_AndTheBytesReadBackFromTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-mapped-{Guid.NewGuid():N}.bin");
        var bytes = new byte[64 << 20];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        try
        {
            using var file = MappedFile.Open(path);
            var view = new ReadOnlySpan<byte>((void*)file.BaseAddress, bytes.Length);
            long sum = 0;
            for (int i = 0; i < bytes.Length; i += 4096)
            {
                sum += view[i]; // every page resident
            }

            long before = Resident();

            // From byte 100 (inside page 0) to 100 bytes before the end: the whole pages between them.
            long dropped = file.DropResident(file.BaseAddress + 100, bytes.Length - 200);
            long page = Environment.SystemPageSize;
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(bytes.Length - (2 * page), dropped);
                Assert.True(before - Resident() > (48L << 20), $"resident {before >> 20} → {Resident() >> 20} MiB after dropping 64 MiB");
            }

            Assert.True(view.SequenceEqual(bytes), "the mapped bytes read back as written");
            Assert.True(sum > 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => file.DropResident(file.BaseAddress + 100, bytes.Length));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.DropResident(file.BaseAddress - 4096, 10));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Resident()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
