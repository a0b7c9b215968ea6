// The assembled F16 transpose of the outer-product prefill tiles: encoding against GNU as, bits against the vector code.
using Strata.Kernels.Jit;

namespace Strata.Kernels.Tests;

public sealed unsafe class HalfTranspose512Tests
{
    [Fact]
    public void Assembler_EncodesUnpacksAndShufflesAsGnuAsDoes()
    {
        // GNU as 2.40 (objdump -d) for: vunpcklps %zmm3,%zmm2,%zmm16; vunpckhps %zmm19,%zmm17,%zmm5;
        // vunpcklpd %zmm7,%zmm20,%zmm1; vunpckhpd %zmm31,%zmm0,%zmm18; vshuff32x4 $0x44,%zmm4,%zmm16,%zmm21;
        // vshuff32x4 $0xdd,%zmm22,%zmm9,%zmm2.
        const string expected = "62e16c4814c3" + "62b1744015eb" + "62f1dd4014cf" + "6281fd4815d7" + "62e37d4023ec44" + "62b3354823d6dd";
        var a = new Amd64Assembler();
        a.Vunpcklps(16, 2, 3);
        a.Vunpckhps(5, 17, 19);
        a.Vunpcklpd(1, 20, 7);
        a.Vunpckhpd(18, 0, 31);
        a.Vshuff32x4(21, 16, 4, 0x44);
        a.Vshuff32x4(2, 9, 22, 0xDD);
        Assert.Equal(expected, Convert.ToHexStringLower(a.ToArray()));
    }

    [Fact]
    public void Supported_FollowsPlatform()
    {
        bool platform = OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture ==
            System.Runtime.InteropServices.Architecture.X64 && KernelIsa.Use512;
        Assert.Equal(platform, HalfTranspose512.Supported);
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(512, 2048)]
    [InlineData(48, 5632)]
    [InlineData(512, 576)]
    public void Transpose32_EveryHalfButNaN_BitIdenticalToVectorCode(int kn, int cols)
    {
        if (!HalfTranspose512.Supported)
        {
            return; // Supported_FollowsPlatform pins when this runs
        }

        var rng = new Random(kn + cols);
        var rows = new ushort[32 * cols];
        for (int i = 0; i < rows.Length; i++)
        {
            // Every bit pattern: zeros, subnormals, normals, infinities and NaNs of both signs.
            rows[i] = (ushort)rng.Next(0x10000);
        }

        rows[0] = 0x7C00; // +inf
        rows[1] = 0x8001; // the smallest negative subnormal
        rows[cols + 2] = 0x7E00; // a quiet NaN
        var expected = new float[kn * 32];
        var actual = new float[kn * 32];
        fixed (ushort* pr = rows)
        fixed (float* pe = expected, pa = actual)
        {
            FloatOuterTile512.Transpose32HalfVector(pr, cols * sizeof(ushort), kn, pe);
            HalfTranspose512.Transpose32(pr, cols * sizeof(ushort), kn, pa);
        }

        for (int i = 0; i < expected.Length; i++)
        {
            // A signaling NaN comes out quiet from vcvtph2ps; every NaN must stay a NaN.
            if (float.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]), $"wt[{i}] (k {i / 32}, row {i % 32}): expected NaN, found {actual[i]}");
                continue;
            }

            Assert.True(BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                $"wt[{i}] (k {i / 32}, row {i % 32}): expected {expected[i]:R}, found {actual[i]:R}");
        }
    }
}
