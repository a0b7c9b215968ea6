// PrefixKey: block counts for block sizes and limits, the chain (a hash names its whole prefix), the tenant salt.
using Strata.Cluster.Routing;

namespace Strata.Cluster.Tests.Routing;

public sealed class PrefixKeyTests
{
    private static readonly string Text = Document(1, 1000);

    [Theory]
    [InlineData(64, 64, 15)]  // 1000 / 64 = 15 whole blocks, under the limit
    [InlineData(16, 64, 62)]  // 1000 / 16 = 62
    [InlineData(16, 10, 10)]  // the limit cuts
    [InlineData(100, 64, 10)] // the trailing 0 characters make no partial block
    [InlineData(7, 1000, 142)] // a block size that is not a whole number of 8-byte words
    [InlineData(64, 0, 0)]
    public void Blocks_BlockCharsAndMaxBlocks_CountWholeBlocksUpToTheLimit(int blockChars, int maxBlocks, int expected)
    {
        Assert.Equal(expected, PrefixKey.Blocks("t", Text, blockChars, maxBlocks).Length);
    }

    [Fact]
    public void Blocks_TextShorterThanABlock_IsEmpty()
    {
        Assert.Empty(PrefixKey.Blocks("t", Text.AsSpan(0, 63)));
        Assert.Empty(PrefixKey.Blocks("t", ReadOnlySpan<char>.Empty));
        Assert.Single(PrefixKey.Blocks("t", Text.AsSpan(0, 64)));
    }

    [Fact]
    public void Blocks_SameTextSameTenant_AreEqualAndDistinctPerBlock()
    {
        var a = PrefixKey.Blocks("acme", Text);
        var b = PrefixKey.Blocks("acme", Text);
        Assert.Equal(a, b);
        Assert.Equal(a.Length, a.Distinct().Count());
    }

    [Fact]
    public void Blocks_DifferentTenant_SharesNoHash()
    {
        var acme = PrefixKey.Blocks("acme", Text);
        var globex = PrefixKey.Blocks("globex", Text);
        Assert.Empty(acme.Intersect(globex));
    }

    [Fact]
    public void Blocks_DivergingText_SharesTheCommonBlocksAndNoneAfter()
    {
        // The texts agree on 3 whole blocks and one character of the 4th; from there on every hash differs,
        // even where the blocks' own text agrees again (block 5 onwards), because each hash chains the one before.
        var original = Text.ToCharArray();
        var changed = Text.ToCharArray();
        changed[(3 * 64) + 1] = changed[(3 * 64) + 1] == 'x' ? 'y' : 'x';
        var a = PrefixKey.Blocks("acme", original);
        var b = PrefixKey.Blocks("acme", changed);
        Assert.Equal(a[..3], b[..3]);
        for (int i = 3; i < a.Length; i++)
        {
            Assert.NotEqual(a[i], b[i]);
        }
    }

    [Fact]
    public void Blocks_ShorterLimit_IsAPrefixOfTheLongerOne()
    {
        var all = PrefixKey.Blocks("acme", Text, 32, 1000);
        var some = PrefixKey.Blocks("acme", Text, 32, 5);
        Assert.Equal(all[..5], some);
    }

    [Fact]
    public void Blocks_KnownInput_GivesTheSameHashInEveryProcess()
    {
        // Nodes of a cluster must agree on the hash: it may not depend on a per-process seed (as string.GetHashCode does).
        // The value is what this implementation computed when it was written; a change here breaks mixed-version clusters.
        var hashes = PrefixKey.Blocks("acme", "0123456789abcdef", 8, 2);
        Assert.Equal([0x4995387BE130B2CAUL, 0xB35D79A673057884UL], hashes);
    }

    [Fact]
    public void Blocks_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrefixKey.Blocks("t", Text, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrefixKey.Blocks("t", Text, 64, -1));
        Assert.Throws<ArgumentNullException>(() => PrefixKey.Blocks(null!, Text));
    }

    /// <summary>Seeded pseudo-text of <paramref name="length"/> characters.</summary>
    internal static string Document(int seed, int length)
    {
        var random = new Random(seed);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + random.Next(26));
        }

        return new string(chars);
    }
}
