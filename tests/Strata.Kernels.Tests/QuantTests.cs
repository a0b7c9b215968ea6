// Tests of QuantizedRows.DequantizeRow / QuantizedRows.Dot against the scalar reference and hand-computed blocks.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class QuantTests
{
    /// <summary>Dot tolerance: 2e-5 of Σ|w·x| (f32 FMA accumulation vs double reference).</summary>
    private const double DotRelTol = 2e-5;

    public static TheoryData<GgmlType> Types()
    {
        var d = new TheoryData<GgmlType>();
        foreach (GgmlType t in TestData.Computable)
        {
            d.Add(t);
        }

        return d;
    }

    private static int[] Lengths(GgmlType type)
    {
        int be = GgmlTypeInfo.BlockElements(type);
        if (be == 1)
        {
            var all = new int[257];
            for (int i = 0; i <= 256; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var l = new int[9];
        for (int i = 0; i <= 8; i++)
        {
            l[i] = i * be;
        }

        return l;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void DequantizeRow_RandomBlocks_EqualsScalarReferenceExactly(GgmlType type)
    {
        var rng = new Random(1234 + (int)type);
        foreach (int n in Lengths(type))
        {
            byte[] row = TestData.Row(type, n, rng);
            var expected = new float[n];
            var actual = new float[n];
            DequantReference.DequantizeRow(type, row, expected);
            QuantizedRows.DequantizeRow(type, row, actual);
            for (int i = 0; i < n; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{type} n={n} i={i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Dot_RandomBlocks_MatchesDoubleReferenceWithinTolerance(GgmlType type)
    {
        var rng = new Random(99 + (int)type);
        foreach (int n in Lengths(type))
        {
            byte[] row = TestData.Row(type, n, rng);
            float[] x = TestData.Floats(rng, n);
            var w = new float[n];
            DequantReference.DequantizeRow(type, row, w);
            double abs = 0;
            for (int i = 0; i < n; i++)
            {
                abs += Math.Abs((double)w[i] * x[i]);
            }

            double expected = DequantReference.DotDouble(type, row, x);
            float actual = QuantizedRows.Dot(type, row, x);
            Assert.True(Math.Abs(actual - expected) <= (DotRelTol * abs) + 1e-30,
                $"{type} n={n}: expected {expected:R}, got {actual:R}, Σ|wx|={abs:R}");
        }
    }

    [Fact]
    public void DequantizeRow_AllHalfBitPatterns_EqualsHalfCast()
    {
        var bits = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++)
        {
            bits[2 * i] = (byte)i;
            bits[(2 * i) + 1] = (byte)(i >> 8);
        }

        var y = new float[65536];
        QuantizedRows.DequantizeRow(GgmlType.F16, bits, y);
        for (int i = 0; i < 65536; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(y[i]), $"bits {i:X4}");
            }
            else
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]),
                    $"bits {i:X4}: expected {expected:R}, got {y[i]:R}");
            }
        }
    }

    [Fact]
    public void DequantizeRow_KnownQ4_0Block_IsNibbleMinus8TimesD()
    {
        var b = new byte[18];
        TestData.SetHalf(b, 0, 0.5f);
        for (int j = 0; j < 16; j++)
        {
            b[2 + j] = (byte)(j | ((15 - j) << 4));
        }

        var y = new float[32];
        QuantizedRows.DequantizeRow(GgmlType.Q4_0, b, y);
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal((j - 8) * 0.5f, y[j]);
            Assert.Equal((7 - j) * 0.5f, y[16 + j]);
        }
    }

    [Fact]
    public void DequantizeRow_KnownQ8_0Block_IsQTimesD()
    {
        var b = new byte[34];
        TestData.SetHalf(b, 0, 0.25f);
        for (int j = 0; j < 32; j++)
        {
            b[2 + j] = (byte)(sbyte)((j * 8) - 128);
        }

        var y = new float[32];
        QuantizedRows.DequantizeRow(GgmlType.Q8_0, b, y);
        for (int j = 0; j < 32; j++)
        {
            Assert.Equal(((j * 8) - 128) * 0.25f, y[j]);
        }
    }

    [Fact]
    public void DequantizeRow_KnownQ4_KBlock_IsScaleTimesQMinusMin()
    {
        // d = 1, dmin = 0.5; sub-block s has 6-bit scale s+1 and min s; every byte 0x53 (low nibble 3, high 5).
        var b = new byte[144];
        TestData.SetHalf(b, 0, 1f);
        TestData.SetHalf(b, 2, 0.5f);
        for (int s = 0; s < 4; s++)
        {
            b[4 + s] = (byte)(s + 1);
            b[8 + s] = (byte)s;
            b[12 + s] = (byte)((s + 5) | ((s + 4) << 4));
        }

        b.AsSpan(16).Fill(0x53);
        var y = new float[256];
        QuantizedRows.DequantizeRow(GgmlType.Q4_K, b, y);
        for (int e = 0; e < 256; e++)
        {
            int s = e / 32;
            int q = s % 2 == 0 ? 3 : 5;
            Assert.Equal(((s + 1) * q) - (0.5f * s), y[e]);
        }
    }

    [Fact]
    public void DequantizeRow_KnownQ6_KBlock_IsDTimesScaleTimesQ()
    {
        // d = 2; scales[i] = i - 8; ql bytes 0x21; qh bytes 0xE4 → q1..q4 = -31, -15, 2, 18.
        var b = new byte[210];
        b.AsSpan(0, 128).Fill(0x21);
        b.AsSpan(128, 64).Fill(0xE4);
        for (int i = 0; i < 16; i++)
        {
            b[192 + i] = (byte)(sbyte)(i - 8);
        }

        TestData.SetHalf(b, 208, 2f);
        int[] q = [-31, -15, 2, 18];
        var y = new float[256];
        QuantizedRows.DequantizeRow(GgmlType.Q6_K, b, y);
        for (int e = 0; e < 256; e++)
        {
            int n = e / 128;
            int k = e % 128 / 32;
            int sc = (8 * n) + (2 * k) + (e % 32 / 16) - 8;
            Assert.Equal(2f * sc * q[k], y[e]);
        }
    }

    [Fact]
    public void DequantizeRow_NotBlockMultiple_ThrowsArgumentException()
    {
        var b = new byte[18];
        Assert.Throws<ArgumentException>(() => QuantizedRows.DequantizeRow(GgmlType.Q4_0, b, new float[16]));
        Assert.Throws<ArgumentException>(() => QuantizedRows.DequantizeRow(GgmlType.Q4_0, b, new float[64]));
        Assert.Throws<ArgumentException>(() => QuantizedRows.Dot(GgmlType.Q8_1, new byte[36], new float[32]));
    }
}
