// Tests of SHA-256 helpers against the FIPS 180-2 "abc" vector and an independent computation.
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Strata.Evidence.Tests;

public sealed class EvidenceHashTests
{
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Sha256Hex_OfAbc_IsTheKnownVector()
    {
        Assert.Equal(AbcSha256, EvidenceHash.Sha256Hex("abc"u8));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", EvidenceHash.Sha256Hex([]));
    }

    [Fact]
    public async Task Sha256HexOfFile_OfAbcFile_IsTheKnownVector()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes("abc"));
            Assert.Equal(AbcSha256, EvidenceHash.Sha256HexOfFile(path));
            Assert.Equal(AbcSha256, await EvidenceHash.Sha256HexOfFileAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Sha256HexOfFile_SpanningSeveralChunks_MatchesOneShotHash()
    {
        var data = new byte[(3 << 20) + 12345];
        new Random(3).NextBytes(data);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, data);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), EvidenceHash.Sha256HexOfFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Sha256HexOfFile_Missing_ThrowsFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"strata-missing-{Guid.NewGuid():N}.bin");
        var error = Assert.Throws<FileNotFoundException>(() => EvidenceHash.Sha256HexOfFile(path));
        Assert.Contains(path, error.Message);
    }
}
