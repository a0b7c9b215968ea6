// Every SIMD width of dequantize and dot (Vector512, Vector256) against the scalar reference, run side by side.
using System.Runtime.Intrinsics;
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

/// <summary>
/// Calls the width-specific kernels directly, so one process checks every path its CPU has (a path the CPU lacks is
/// skipped inside the test and covered by the runs with DOTNET_EnableAVX512=0 / DOTNET_EnableHWIntrinsic=0).
/// </summary>
public unsafe class QuantPathTests
{
    private const double DotRelTol = 2e-5;

    public static TheoryData<GgmlType, int> Cases()
    {
        var d = new TheoryData<GgmlType, int>();
        foreach (GgmlType t in TestData.Quantized)
        {
            d.Add(t, 256);
            d.Add(t, 512);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dequantize_EveryPathOneToEightBlocks_EqualsScalarReferenceBitForBit(GgmlType type, int width)
    {
        if (!PathAvailable(width))
        {
            return;
        }

        var rng = new Random(500 + (int)type + width);
        int be = GgmlTypeInfo.BlockElements(type);
        foreach (int blocks in TestData.BlockCounts)
        {
            int n = blocks * be;
            byte[] row = TestData.Row(type, n, rng);
            var expected = new float[n];
            var actual = new float[n];
            DequantReference.DequantizeRow(type, row, expected);
            fixed (byte* r = row)
            fixed (float* a = actual)
            {
                if (width == 512)
                {
                    DequantDispatch.Dequantize512(type, r, a, n);
                }
                else
                {
                    DequantDispatch.Dequantize256(type, r, a, n);
                }
            }

            for (int i = 0; i < n; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{type} v{width} n={n} i={i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dot_EveryPathOneToEightBlocks_MatchesDoubleReference(GgmlType type, int width)
    {
        if (!PathAvailable(width))
        {
            return;
        }

        var rng = new Random(700 + (int)type + width);
        int be = GgmlTypeInfo.BlockElements(type);
        foreach (int blocks in TestData.BlockCounts)
        {
            int n = blocks * be;
            byte[] row = TestData.Row(type, n, rng);
            float[] x = TestData.Floats(rng, n);
            double abs = AbsSum(type, row, x);
            double expected = DequantReference.DotDouble(type, row, x);
            float actual;
            fixed (byte* r = row)
            fixed (float* px = x)
            {
                actual = width == 512 ? DequantDispatch.Dot512(type, r, px, n) : DequantDispatch.Dot256(type, r, px, n);
            }

            Assert.True(Math.Abs(actual - expected) <= DotRelTol * abs,
                $"{type} v{width} n={n}: expected {expected:R}, got {actual:R}, Σ|wx|={abs:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dot_LargeMinimaAndOffsetActivations_StaysWithinTolerance(GgmlType type, int width)
    {
        // Activations with a common offset make the minimum term m·Σx large against Σ q·x: the restructured dots must
        // not lose it to cancellation.
        if (!PathAvailable(width))
        {
            return;
        }

        var rng = new Random(900 + (int)type + width);
        int n = 8 * GgmlTypeInfo.BlockElements(type);
        byte[] row = TestData.Row(type, n, rng);
        float[] x = TestData.Floats(rng, n);
        for (int i = 0; i < n; i++)
        {
            x[i] += 3f;
        }

        double abs = AbsSum(type, row, x);
        double expected = DequantReference.DotDouble(type, row, x);
        float actual;
        fixed (byte* r = row)
        fixed (float* px = x)
        {
            actual = width == 512 ? DequantDispatch.Dot512(type, r, px, n) : DequantDispatch.Dot256(type, r, px, n);
        }

        Assert.True(Math.Abs(actual - expected) <= DotRelTol * abs,
            $"{type} v{width}: expected {expected:R}, got {actual:R}, Σ|wx|={abs:R}");
    }

    [Fact]
    public void HalfVec512_AllBitPatterns_EqualsHalfConvert()
    {
        if (!KernelIsa.Use512)
        {
            return;
        }

        byte* b18 = stackalloc byte[16 * 18];
        byte* b34 = stackalloc byte[16 * 34];
        float* got18 = stackalloc float[16];
        float* got34 = stackalloc float[16];
        for (int i = 0; i < 65536; i += 16)
        {
            for (int k = 0; k < 16; k++)
            {
                // Rotate which block carries which pattern so every pattern visits several lanes.
                ushort h = (ushort)(i + ((k + (i >> 4)) & 15));
                *(ushort*)(b18 + (18 * k)) = h;
                *(ushort*)(b34 + (34 * k)) = h;
                b18[(18 * k) + 2] = 0xA5;
                b34[(34 * k) + 2] = 0x5A;
            }

            Vector512.Store(HalfScales512.Stride18(b18), got18);
            Vector512.Store(HalfScales512.Stride34(b34), got34);
            for (int k = 0; k < 16; k++)
            {
                ushort h = (ushort)(i + ((k + (i >> 4)) & 15));
                float expected = HalfConvert.HalfToSingle(h);
                foreach (float actual in new[] { got18[k], got34[k] })
                {
                    if (float.IsNaN(expected))
                    {
                        Assert.True(float.IsNaN(actual), $"bits {h:X4}");
                    }
                    else
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                            $"bits {h:X4} block {k}: expected {expected:R}, got {actual:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void LoadHalf16_AllBitPatterns_EqualsHalfConvert()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        ushort* h = stackalloc ushort[16];
        float* got = stackalloc float[16];
        for (int i = 0; i < 65536; i += 16)
        {
            for (int k = 0; k < 16; k++)
            {
                h[k] = (ushort)(i + k);
            }

            FloatDots.LoadHalf16(h).Store(got);
            for (int k = 0; k < 16; k++)
            {
                float expected = HalfConvert.HalfToSingle(h[k]);
                if (float.IsNaN(expected))
                {
                    Assert.True(float.IsNaN(got[k]), $"bits {h[k]:X4}");
                }
                else
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(got[k]),
                        $"bits {h[k]:X4}: expected {expected:R}, got {got[k]:R}");
                }
            }
        }
    }

    [Fact]
    public void FastHalf_AllBitPatterns_EqualsHalfConvert()
    {
        byte* b = stackalloc byte[2];
        for (int i = 0; i < 65536; i++)
        {
            b[0] = (byte)i;
            b[1] = (byte)(i >> 8);
            float expected = HalfConvert.HalfToSingle((ushort)i);
            float actual = HalfScale.Read(b);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(actual), $"bits {i:X4}");
            }
            else
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                    $"bits {i:X4}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void KernelIsa_Active_MatchesTheEnabledPaths()
    {
        string expected = KernelIsa.Use512 ? (Q8Vnni.Supported ? "avx512-vnni" : "avx512") : KernelIsa.Use256 ? "avx2" : "scalar";
        Assert.Equal(expected, KernelIsa.Active);
        if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            Assert.Equal("scalar", KernelIsa.Active);
        }
    }

    private static bool PathAvailable(int width) => width == 512 ? KernelIsa.Use512 : KernelIsa.Use256;

    private static double AbsSum(GgmlType type, byte[] row, float[] x)
    {
        var w = new float[x.Length];
        DequantReference.DequantizeRow(type, row, w);
        double abs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            abs += Math.Abs((double)w[i] * x[i]);
        }

        return abs;
    }
}
