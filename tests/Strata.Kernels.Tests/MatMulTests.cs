// Tests of MatMul.Run for several weight types, activation counts and thread counts against the reference dot.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public class MatMulTests
{
    public static TheoryData<GgmlType, int, int> Cases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        GgmlType[] types = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K,
            GgmlType.Q6_K, GgmlType.Q5_K, GgmlType.Q3_K];
        foreach (GgmlType t in types)
        {
            foreach (int n in new[] { 1, 5 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    d.Add(t, n, threads);
                }
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public unsafe void Run_RandomWeights_MatchesReferenceWithin2e5(GgmlType type, int n, int threads)
    {
        const int rows = 37, cols = 512;
        var rng = new Random(11 + (int)type + (100 * n));
        byte[] w = TestData.Row(type, rows * cols, rng);
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        float[] x = TestData.Floats(rng, n * cols);
        var y = new float[n * rows];
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, rows, cols);
            MatMul.Run(pool, m, x, n, y);
        }

        var deq = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<byte> row = w.AsSpan((int)(r * rowBytes), (int)rowBytes);
            DequantReference.DequantizeRow(type, row, deq);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> xj = x.AsSpan(j * cols, cols);
                double abs = 0;
                for (int i = 0; i < cols; i++)
                {
                    abs += Math.Abs((double)deq[i] * xj[i]);
                }

                double expected = DequantReference.DotDouble(type, row, xj);
                float actual = y[(j * rows) + r];
                Assert.True(Math.Abs(actual - expected) <= 2e-5 * abs,
                    $"{type} r={r} j={j}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void Run_ShortOutput_ThrowsArgumentException()
    {
        using var pool = new WorkerPool(1);
        var m = new WeightMatrix(GgmlType.F32, 1, 4, 8);
        Assert.Throws<ArgumentException>(() => MatMul.Run(pool, m, new float[16], 2, new float[7]));
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    public unsafe void RunDecodeOfThree_EqualsSeparateRunsBitForBit(GgmlType type)
    {
        int cols = GgmlTypeInfo.BlockElements(type) == 256 ? 768 : 576;
        int[] rows = [72, 24, 24];
        var rng = new Random(11 + (int)type);
        var weights = new byte[3][];
        for (int i = 0; i < 3; i++)
        {
            weights[i] = TestData.Row(type, rows[i] * cols, rng);
        }

        float[] x = TestData.Floats(rng, cols);
        using var pool = new WorkerPool(2);
        var expected = new float[3][];
        var actual = new float[3][];
        fixed (byte* w0 = weights[0])
        fixed (byte* w1 = weights[1])
        fixed (byte* w2 = weights[2])
        {
            WeightMatrix[] m = [new(type, (nint)w0, rows[0], cols), new(type, (nint)w1, rows[1], cols), new(type, (nint)w2, rows[2], cols)];
            for (int i = 0; i < 3; i++)
            {
                expected[i] = new float[rows[i]];
                actual[i] = new float[rows[i]];
                MatMul.Run(pool, m[i], x, 1, expected[i]);
            }

            fixed (float* y0 = actual[0])
            fixed (float* y1 = actual[1])
            fixed (float* y2 = actual[2])
            {
                MatMul.RunDecode(pool, m, x, [(nint)y0, (nint)y1, (nint)y2]);
            }
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void F16Matvec_EqualsPlainRowDotsBitForBit_WithSubnormalsInfinitiesAndLargeActivations(bool large)
    {
        const int rows = 9, cols = 1056;
        var rng = new Random(5);
        var w = new ushort[rows * cols];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (ushort)rng.Next(0, 0x7C00);
            if (rng.Next(2) == 0)
            {
                w[i] |= 0x8000;
            }
        }

        w[3] = 0x0001;                  // smallest subnormal
        w[cols + 7] = 0x83FF;           // largest negative subnormal
        w[(2 * cols) + 40] = 0x7C00;    // +inf
        w[(3 * cols) + 1050] = 0xFC00;  // -inf in the scalar tail
        w[(4 * cols) + 100] = 0x7E00;   // NaN
        float[] x = TestData.Floats(rng, cols);
        if (large)
        {
            x[17] = 40000f; // beyond 2^15: the plain kernel runs
        }

        var y = new float[rows];
        using var pool = new WorkerPool(2);
        fixed (ushort* pw = w)
        fixed (float* px = x)
        {
            MatMul.Run(pool, new WeightMatrix(GgmlType.F16, (nint)pw, rows, cols), x, 1, y);
            for (int r = 0; r < rows; r++)
            {
                float expected = FloatDots.Dot16(pw + (r * cols), px, cols, brain: false);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[r]) || (float.IsNaN(expected) && float.IsNaN(y[r])),
                    $"row {r}: expected {expected:R}, got {y[r]:R}");
            }
        }
    }
}
