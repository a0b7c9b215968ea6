// Tests of block geometry and row sizing.
using Strata.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Strata.Kernels.Tests;

public class GgmlTypeInfoTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(GgmlType.F32, 1, 4)]
    [InlineData(GgmlType.F16, 1, 2)]
    [InlineData(GgmlType.BF16, 1, 2)]
    [InlineData(GgmlType.Q4_0, 32, 18)]
    [InlineData(GgmlType.Q4_1, 32, 20)]
    [InlineData(GgmlType.Q5_0, 32, 22)]
    [InlineData(GgmlType.Q5_1, 32, 24)]
    [InlineData(GgmlType.Q8_0, 32, 34)]
    [InlineData(GgmlType.Q8_1, 32, 36)]
    [InlineData(GgmlType.Q2_K, 256, 84)]
    [InlineData(GgmlType.Q3_K, 256, 110)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q5_K, 256, 176)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.Q8_K, 256, 292)]
    [InlineData(GgmlType.I8, 1, 1)]
    [InlineData(GgmlType.I16, 1, 2)]
    [InlineData(GgmlType.I32, 1, 4)]
    [InlineData(GgmlType.I64, 1, 8)]
    [InlineData(GgmlType.F64, 1, 8)]
    public void BlockGeometry_KnownType_MatchesGgml(GgmlType type, int elements, int bytes)
    {
        Assert.True(GgmlTypeInfo.IsKnown(type));
        Assert.Equal(elements, GgmlTypeInfo.BlockElements(type));
        Assert.Equal(bytes, GgmlTypeInfo.BlockBytes(type));
        Assert.Equal(3L * bytes, GgmlTypeInfo.RowBytes(type, 3L * elements));
    }

    [Fact]
    public void RowBytes_NotBlockMultiple_ThrowsArgumentException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GgmlTypeInfo.RowBytes(GgmlType.Q4_K, 100));
        Assert.Contains("256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsKnown_UnknownId_False()
    {
        Assert.False(GgmlTypeInfo.IsKnown((GgmlType)99));
        Assert.False(GgmlTypeInfo.IsComputable((GgmlType)99));
        Assert.Throws<ArgumentException>(() => GgmlTypeInfo.BlockBytes((GgmlType)99));
    }

    [Fact]
    public void IsComputable_EachType_MatchesKernelSupport()
    {
        foreach (GgmlType t in TestData.Computable)
        {
            Assert.True(GgmlTypeInfo.IsComputable(t), t.ToString());
        }

        Assert.False(GgmlTypeInfo.IsComputable(GgmlType.Q8_1));
        Assert.False(GgmlTypeInfo.IsComputable(GgmlType.I32));
    }

    [Fact]
    public void KernelIsa_Active_IsKnownName()
    {
        output.WriteLine($"KernelIsa.Active = {KernelIsa.Active}");
        Assert.True(KernelIsa.Active is "avx512-vnni" or "avx512" or "avx2" or "scalar", KernelIsa.Active);
    }
}
