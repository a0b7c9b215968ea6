// MatMul.Run over every quant type for n = 1, 3, 17, 32, 45 and 1 or 2 threads against the reference, and its zero allocation.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public unsafe class MatMulPathTests
{
    public static TheoryData<GgmlType, int, int> Cases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in TestData.Quantized)
        {
            foreach (int n in new[] { 1, 3, 17, 32, 45 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    d.Add(t, n, threads);
                }
            }
        }

        return d;
    }

    public static TheoryData<GgmlType, int, int> WideCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in new[] { GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K })
        {
            d.Add(t, 3, 2);
            d.Add(t, 32, 1);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_EveryQuantType_MatchesReferenceWithin2e5(GgmlType type, int n, int threads) =>
        Check(type, n, threads, 512);

    /// <summary>1280 columns: several column chunks of the n &gt; 1 path plus a partial one.</summary>
    [Theory]
    [MemberData(nameof(WideCases))]
    public void Run_ColumnsBeyondOneCacheChunk_MatchesReferenceWithin2e5(GgmlType type, int n, int threads) =>
        Check(type, n, threads, 1280);

    public static TheoryData<GgmlType, int, int> OuterCases()
    {
        var d = new TheoryData<GgmlType, int, int>();
        foreach (GgmlType t in new[] { GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K })
        {
            d.Add(t, MatMul.OuterRows, 2);
            d.Add(t, MatMul.OuterRows + 9, 1);
        }

        // F16 takes the tiles from fewer rows: at the threshold and with 57 mod 8 = 1 row left to the dots.
        d.Add(GgmlType.F16, MatMul.OuterRowsF16, 2);
        d.Add(GgmlType.F16, MatMul.OuterRowsF16 + 9, 1);

        return d;
    }

    /// <summary>75 rows × 1280 columns: two 32-row outer-product tiles over three K chunks, 11 rows left to the dot tiles.</summary>
    [Theory]
    [MemberData(nameof(OuterCases))]
    public void Run_OuterProductTiles_MatchesReferenceWithin2e5(GgmlType type, int n, int threads) =>
        Check(type, n, threads, 1280, 75);

    private static void Check(GgmlType type, int n, int threads, int cols, int rows = 37)
    {
        var rng = new Random(31 + (int)type + (100 * n) + threads);
        byte[] w = TestData.Row(type, rows * cols, rng);
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        float[] x = TestData.Floats(rng, n * cols);
        var y = new float[n * rows];
        using var pool = new WorkerPool(threads);
        fixed (byte* pw = w)
        {
            MatMul.Run(pool, new WeightMatrix(type, (nint)pw, rows, cols), x, n, y);
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
                    $"{type} n={n} t={threads} r={r} j={j}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 16, true, 2)]
    [InlineData(GgmlType.Q8_0, 16, false, 2)]
    [InlineData(GgmlType.Q8_0, 5, true, 1)]
    [InlineData(GgmlType.Q4_K, 7, true, 2)]
    [InlineData(GgmlType.Q6_K, 16, false, 2)]
    [InlineData(GgmlType.F16, 3, true, 2)]
    [InlineData(GgmlType.F32, 16, false, 2)]
    [InlineData(GgmlType.Q8_0, MatMul.OuterRows, false, 2)]
    public void RunGroup_OfThree_EqualsSeparateRunsBitForBit(GgmlType type, int n, bool batchInvariant, int threads)
    {
        // Q/K/V-like shapes: 72 + 24 + 26 rows (the last with two rows outside whole 4-row tiles), one chunk of columns.
        int cols = GgmlTypeInfo.BlockElements(type) == 256 ? 768 : 576;
        var rng = new Random(11 + (int)type + n);
        float[] x = TestData.Floats(rng, n * cols);
        using var pool = new WorkerPool(threads);
        TestData.AssertGroupEqualsSeparateRuns(type, cols, [72, 24, 26], n, rng,
            (m, y) => MatMul.Run(pool, m, x, n, y, batchInvariant),
            (m, y) => MatMul.RunGroup(pool, m, x, n, y, batchInvariant));
    }

    [Fact]
    public void RunGroup_RejectsMismatchedMatricesAndShortInput()
    {
        using var pool = new WorkerPool(1);
        var w = new byte[(int)GgmlTypeInfo.RowBytes(GgmlType.Q8_0, 64) * 8];
        fixed (byte* pw = w)
        {
            var a = new WeightMatrix(GgmlType.Q8_0, (nint)pw, 4, 64);
            var b = new WeightMatrix(GgmlType.Q8_0, (nint)pw, 4, 32);
            // The checks come before any write, so the outputs are never touched.
            nint y = 64;
            Assert.Throws<ArgumentException>(() => MatMul.RunGroup(pool, [a, b], new float[128], 2, [y, y]));
            var e = Assert.Throws<ArgumentException>(() => MatMul.RunGroup(pool, [a, a], new float[100], 2, [y, y]));
            Assert.Contains("[2, 64]", e.Message, StringComparison.Ordinal);
        }
    }
}
