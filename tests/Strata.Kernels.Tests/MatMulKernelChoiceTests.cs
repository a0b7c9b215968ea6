// The products' kernel overloads run the kernel they are given (the compiler's plan), every applicable one computing the
// same product, and refuse a kernel that cannot run the call instead of quietly taking another.
using Strata.Kernels;
using Xunit;

namespace Strata.Kernels.Tests;

public unsafe class MatMulKernelChoiceTests
{
    private const int Rows = 96;
    private const int Cols = 512;

    public static TheoryData<GgmlType, int, MatMulKernel> ExactCases()
    {
        var d = new TheoryData<GgmlType, int, MatMulKernel>();
        foreach (GgmlType t in new[] { GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_K })
        {
            d.Add(t, 1, MatMulKernel.DequantRowDot);
            d.Add(t, 1, MatMulKernel.DequantTile4);
            d.Add(t, 5, MatMulKernel.DequantTile4);
            if (KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
            {
                // The planner gives the outer-product tiles 128+ rows; asked for, they run 5 just as well.
                d.Add(t, 5, MatMulKernel.FloatOuterTile);
                if (t != GgmlType.F32)
                {
                    d.Add(t, 1, t == GgmlType.F16 ? MatMulKernel.F16MatVec512 : MatMulKernel.DequantMatVec512);
                }
            }
        }

        return d;
    }

    [Fact]
    public void Exact_F16FromOuterRowsF16_OuterProductTiles_OtherTypesFrom128()
    {
        // Without AVX-512 no count takes the outer-product tiles; with it F16 at least 1024 wide takes them from 48 rows,
        // everything else from 128.
        bool avx512 = KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal);
        MatMulKernel outer = avx512 ? MatMulKernel.FloatOuterTile : MatMulKernel.DequantTile4;
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.F16, 2048, 2048, 47, batchInvariant: false, avx512: true));
        Assert.Equal(outer, MatMulPlan.Exact(GgmlType.F16, 2048, 2048, 48, batchInvariant: false, avx512: true));
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.F16, 2048, 2048, 48, batchInvariant: true, avx512: true));
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.F16, 576, 576, 127, batchInvariant: false, avx512: true));
        Assert.Equal(outer, MatMulPlan.Exact(GgmlType.F16, 576, 576, 128, batchInvariant: false, avx512: true));
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.Q8_0, 2048, 2048, 127, batchInvariant: false, avx512: true));
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.F32, 2048, 2048, 64, batchInvariant: false, avx512: true));
        Assert.Equal(outer, MatMulPlan.Exact(GgmlType.Q8_0, 2048, 2048, 128, batchInvariant: false, avx512: true));
        Assert.True(MatMul.Groups(GgmlType.F16, 2048, 47, batchInvariant: false));
        Assert.False(MatMul.Groups(GgmlType.F16, 2048, 48, batchInvariant: false));
        Assert.True(MatMul.Groups(GgmlType.F16, 576, 48, batchInvariant: false));
        Assert.True(MatMul.Groups(GgmlType.F16, 2048, 48, batchInvariant: true));
        Assert.True(MatMul.Groups(GgmlType.Q8_0, 2048, 127, batchInvariant: false));
    }

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void MatMulRun_GivenAnApplicableKernel_MatchesTheReference(GgmlType type, int n, MatMulKernel kernel)
    {
        var rng = new Random(7 + (int)type + (10 * n));
        byte[] w = TestData.Row(type, Rows * Cols, rng);
        float[] x = TestData.Floats(rng, n * Cols);
        var y = new float[n * Rows];
        using var pool = new WorkerPool(2);
        fixed (byte* pw = w)
        {
            MatMul.Run(pool, new WeightMatrix(type, (nint)pw, Rows, Cols), x, n, y, kernel);
        }

        long rowBytes = GgmlTypeInfo.RowBytes(type, Cols);
        for (int r = 0; r < Rows; r++)
        {
            ReadOnlySpan<byte> row = w.AsSpan((int)(r * rowBytes), (int)rowBytes);
            for (int j = 0; j < n; j++)
            {
                double expected = DequantReference.DotDouble(type, row, x.AsSpan(j * Cols, Cols));
                Assert.True(Math.Abs(y[(j * Rows) + r] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                    $"{kernel} {type} n={n} r={r} j={j}: expected {expected:R}, got {y[(j * Rows) + r]:R}");
            }
        }
    }

    [Fact]
    public void MatMulRun_OneRowKernelsAgainstTheTile_DifferInTheLastBits_SoTheGivenKernelIsTheOneThatRan()
    {
        if (!KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            return;
        }

        var rng = new Random(11);
        byte[] w = TestData.Row(GgmlType.Q8_0, Rows * Cols, rng);
        float[] x = TestData.Floats(rng, Cols);
        var matVec = new float[Rows];
        var tile = new float[Rows];
        var planned = new float[Rows];
        using var pool = new WorkerPool(2);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(GgmlType.Q8_0, (nint)pw, Rows, Cols);
            MatMul.Run(pool, m, x, 1, matVec, MatMulKernel.DequantMatVec512);
            MatMul.Run(pool, m, x, 1, tile, MatMulKernel.DequantTile4);
            MatMul.Run(pool, m, x, 1, planned, batchInvariant: true);
        }

        Assert.NotEqual(matVec, tile);
        // The batch-invariant plan of one row is the tile: the overload without a kernel asks the planner.
        Assert.Equal(MatMulKernel.DequantTile4, MatMulPlan.Exact(GgmlType.Q8_0, Rows, Cols, 1, batchInvariant: true, avx512: true));
        Assert.Equal(tile, planned);
    }

    public static TheoryData<GgmlType, int, MatMulKernel> QuantizedCases()
    {
        var d = new TheoryData<GgmlType, int, MatMulKernel>();
        foreach (GgmlType t in new[] { GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q6_K })
        {
            d.Add(t, 1, MatMulKernel.IntRowDot);
            d.Add(t, 6, MatMulKernel.IntRowDot);
        }

        if (!KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            return d;
        }

        d.Add(GgmlType.Q8_0, 1, MatMulKernel.Q8Tile);
        d.Add(GgmlType.Q8_0, 6, MatMulKernel.Q8Tile);
        d.Add(GgmlType.Q8_0, 1, MatMulKernel.Q8MatVec512);
        d.Add(GgmlType.Q8_0, 6, MatMulKernel.IntTile4x4);
        d.Add(GgmlType.Q4_0, 6, MatMulKernel.IntTile4x4);
        d.Add(GgmlType.Q4_K, 1, MatMulKernel.Q4KMatVec512);
        d.Add(GgmlType.Q4_K, 6, MatMulKernel.IntKTile4x4);
        d.Add(GgmlType.Q6_K, 6, MatMulKernel.IntKTile4x4);
        if (System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported)
        {
            d.Add(GgmlType.Q4_0, 1, MatMulKernel.Q4MatVec512);
            d.Add(GgmlType.Q5_0, 1, MatMulKernel.Q5MatVec512);
            d.Add(GgmlType.Q4_0, 6, MatMulKernel.Q4Tile);
            d.Add(GgmlType.Q5_0, 6, MatMulKernel.Q4Tile);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(QuantizedCases))]
    public void MatMulInt8Run_GivenAnApplicableKernel_MatchesTheRowDotWithin1e5(GgmlType type, int n, MatMulKernel kernel)
    {
        var rng = new Random(17 + (int)type + (10 * n));
        byte[] w = TestData.Row(type, Rows * Cols, rng);
        float[] x = TestData.Floats(rng, n * Cols);
        int xRow = (int)ActivationQuant.RowBytes(type, Cols);
        var xq = new byte[n * xRow];
        ActivationQuant.QuantizeRows(type, x, n, Cols, xq);
        var expected = new float[n * Rows];
        var actual = new float[n * Rows];
        using var pool = new WorkerPool(2);
        fixed (byte* pw = w)
        {
            var m = new WeightMatrix(type, (nint)pw, Rows, Cols);
            MatMulInt8.Run(pool, m, xq, n, expected, MatMulKernel.IntRowDot);
            MatMulInt8.Run(pool, m, xq, n, actual, kernel);
        }

        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])),
                $"{kernel} {type} n={n} [{i}]: row dot {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Run_AKernelThatCannotRunTheCall_IsRefusedNamingIt()
    {
        var rng = new Random(5);
        byte[] q8 = TestData.Row(GgmlType.Q8_0, Rows * Cols, rng);
        float[] x = TestData.Floats(rng, 2 * Cols);
        var xq = new byte[2 * (int)ActivationQuant.RowBytes(GgmlType.Q8_0, Cols)];
        var y = new float[2 * Rows];
        using var pool = new WorkerPool(1);
        fixed (byte* pw = q8)
        {
            var m = new WeightMatrix(GgmlType.Q8_0, (nint)pw, Rows, Cols);
            AssertRefused(MatMulKernel.F16MatVec512, () => MatMul.Run(pool, m, x, 1, y, MatMulKernel.F16MatVec512));
            AssertRefused(MatMulKernel.DequantRowDot, () => MatMul.Run(pool, m, x, 2, y, MatMulKernel.DequantRowDot));
            AssertRefused(MatMulKernel.IntRowDot, () => MatMul.Run(pool, m, x, 1, y, MatMulKernel.IntRowDot));
            AssertRefused(MatMulKernel.VnniPanels, () => MatMulInt8.Run(pool, m, xq, 1, y, MatMulKernel.VnniPanels));
            AssertRefused(MatMulKernel.Q8MatVec512, () => MatMulInt8.Run(pool, m, xq, 2, y, MatMulKernel.Q8MatVec512));
            AssertRefused(MatMulKernel.IntKTile4x4, () => MatMulInt8.Run(pool, m, xq, 2, y, MatMulKernel.IntKTile4x4));
            AssertRefused(MatMulKernel.DequantTile4, () => MatMulInt8.Run(pool, m, xq, 2, y, MatMulKernel.DequantTile4));
            fixed (float* py = y)
            {
                nint[] outputs = [(nint)py];
                WeightMatrix[] one = [m];
                AssertRefused(MatMulKernel.FloatOuterTile, () => MatMul.RunGroup(pool, one, x, 2, outputs, MatMulKernel.FloatOuterTile));
                AssertRefused(MatMulKernel.IntRowDot, () => MatMulInt8.RunGroup(pool, one, xq, 2, outputs, MatMulKernel.IntRowDot));
            }
        }
    }

    private static void AssertRefused(MatMulKernel kernel, Action run)
    {
        var e = Assert.Throws<ArgumentException>(run);
        Assert.Contains(kernel.ToString(), e.Message, StringComparison.Ordinal);
    }
}
